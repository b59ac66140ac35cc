import type { CascadeItem, CascadeRecord } from '../../shared/cascade/types';
import { reportUrl } from '../../shared/host/report-routes';
import { oneLine, statusBadge, timeOf } from './format';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { CascadeSummary } from './read-model';
import { buildLogPath, cascadePath, projectPath } from './urls';

/** `/cascades`: the newest cascades, each with its cause, origin, progress and when. */
export function renderCascadesPage(cascades: readonly CascadeSummary[]): string {
  const body =
    cascades.length === 0
      ? html`<p>No cascade yet: one starts when a push, a parent image or an RPM update rebuilds images.</p>`
      : html`<table>
<caption>The newest ${cascades.length} cascade${cascades.length === 1 ? '' : 's'}</caption>
<thead><tr><th scope="col">Cascade</th><th scope="col">Cause</th><th scope="col">Origin</th><th scope="col">Images</th><th scope="col">Started</th><th scope="col">Ended</th></tr></thead>
<tbody>
${cascades.map(
  (cascade) => html`<tr>
<th scope="row"><a href="${cascadePath(cascade.id)}"><code>${cascade.id}</code></a></th>
<td><span class="muted">${cascade.cause.kind}:</span> ${oneLine(cascade.cause.message)}</td>
<td>${cascade.origin ? html`<code>${cascade.origin}</code>` : html`<span class="muted">–</span>`}</td>
<td>${progress(cascade)}</td>
<td>${timeOf(cascade.createdAt)}</td>
<td>${cascade.finishedAt ? timeOf(cascade.finishedAt) : html`${statusBadge('running')}`}</td>
</tr>
`,
)}
</tbody>
</table>`;
  return renderPage({ title: 'Cascades', section: 'cascades', body });
}

function progress(cascade: CascadeSummary): string {
  return (Object.entries(cascade.counts) as [string, number][])
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/**
 * `/cascades/<id>`: the cascade as a tree, each image under the images it waited for (origin →
 * children), with its state, build, cause and log. An image with several parents is drawn in
 * full under the first and named with a link under the others, so the tree stays a tree.
 */
export function renderCascadePage(record: CascadeRecord): string {
  const byName = new Map(record.items.map((item, index) => [item.name, { item, index }]));
  const children = new Map<string, CascadeItem[]>();
  const roots: CascadeItem[] = [];
  for (const item of record.items) {
    const parents = item.after.filter((parent) => byName.has(parent));
    if (parents.length === 0) roots.push(item);
    for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const drawn = new Set<string>();
  const node = (item: CascadeItem): SafeHtml => {
    const anchor = `item-${byName.get(item.name)!.index}`;
    if (drawn.has(item.name)) {
      return html`<li>${statusBadge(item.status)} <a href="#${anchor}">${item.name}</a> <span class="muted">(shown above, under its first parent)</span></li>`;
    }
    drawn.add(item.name);
    const below = children.get(item.name) ?? [];
    return html`<li id="${anchor}">${itemLine(item)}${below.length > 0 ? html`<ul>${below.map(node)}</ul>` : ''}</li>`;
  };
  const tree = roots.map(node);
  // Items whose parents form a loop are reachable from no root: still shown, never lost.
  const rest = record.items.filter((item) => !drawn.has(item.name)).map(node);
  const body = html`<dl class="facts">
<dt>Cause</dt><dd><span class="muted">${record.cause.kind}:</span> ${record.cause.message}</dd>
${record.origin ? html`<dt>Origin</dt><dd><code>${record.origin.appId}/${record.origin.jobId}:${record.origin.desiredTag}</code></dd>` : ''}
<dt>Started</dt><dd>${timeOf(record.createdAt)}</dd>
<dt>Ended</dt><dd>${record.finishedAt ? timeOf(record.finishedAt) : 'not yet'}</dd>
<dt>Builds at once</dt><dd>${record.maxInFlight} at most</dd>
</dl>
<h2>Images, each under the images it waited for</h2>
<ul class="tree" aria-label="Cascade tree">${tree}${rest}</ul>`;
  return renderPage({ title: `Cascade ${record.id}`, section: 'cascades', body });
}

function itemLine(item: CascadeItem): SafeHtml {
  const log = item.status === 'origin' || item.status === 'waiting' ? null : buildLogPath(item.project, item.buildId);
  const report = item.reports?.log ? reportUrl('', item.reports.log) : null;
  return html`${statusBadge(item.status)} <a href="${projectPath(item.project)}"><strong>${item.name}</strong></a>
<span class="muted">batch ${item.batch}</span>${item.status !== 'origin' ? html` · build <code>${item.buildId}</code>` : ''}${log ? html` · <a href="${log}">log</a>` : report ? html` · <a href="${report}">log</a>` : ''}
${item.reason ? html`<br><span class="muted">${oneLine(item.reason, 300)}</span>` : ''}${item.blockedBy ? html`<br><span class="muted">blocked by ${item.blockedBy}</span>` : ''}`;
}

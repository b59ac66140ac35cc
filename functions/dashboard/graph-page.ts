import { statusBadge } from './format';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { GraphNode, GraphPicture } from './graph-model';
import { PROJECT_STATUSES } from './read-model';
import { projectPath } from './urls';

/** A coordinate of the picture, rounded: shorter markup, the same drawing. */
const at = (value: number): string => String(Math.round(value * 10) / 10);

/**
 * `/graph`: the index's parent → child graph as inline SVG laid out on the server, one box per
 * project linking to its page, coloured by its last build's status; the legend and each box's
 * accessible name say the status in words, and a list below gives every edge as text.
 */
export function renderGraphPage(picture: GraphPicture): string {
  const projects = picture.nodes.filter((node) => node.entry);
  if (projects.length === 0) {
    return renderPage({ title: 'Dependency graph', section: 'graph', body: html`<p>No project in the index (<code>CCP_INDEX</code>), so no graph.</p>` });
  }
  const byName = new Map(picture.nodes.map((node) => [node.name, node]));
  const shown = [...PROJECT_STATUSES, ...(picture.nodes.some((node) => node.status === 'external') ? ['external' as const] : [])];
  const body = html`<p>
      ${projects.length} project${projects.length === 1 ? '' : 's'}, ${picture.edges.length} dependenc${picture.edges.length === 1 ? 'y' : 'ies'}: each arrow
      goes from a parent image to an image built on it (<code>depends-on</code>, or a Dockerfile's <code>FROM</code> the dispatcher learnt: dashed). Each box
      links to its project.
    </p>
    <h2 id="legend">Last build status</h2>
    <ul class="legend" aria-labelledby="legend">
      ${shown.map((status) => html`<li><span class="swatch graph-${status}" aria-hidden="true"></span>${status === 'external' ? html`outside the index` : statusBadge(status)}</li>`)}
    </ul>
    <div class="graph-frame">
      <svg
        class="graph"
        xmlns="http://www.w3.org/2000/svg"
        viewBox="0 0 ${picture.width} ${picture.height}"
        width="${picture.width}"
        height="${picture.height}"
        role="group"
        aria-label="Dependency graph: ${projects.length} projects"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
          </marker>
        </defs>
        ${picture.edges.map(
          (edge) =>
            html`<path
              class="edge${edge.learned ? ' learned' : ''}"
              data-parent="${edge.parent}"
              data-child="${edge.child}"
              d="${edge.points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${at(point.x)} ${at(point.y)}`).join(' ')}"
              marker-end="url(#arrow)"
            />`,
        )}
        ${picture.nodes.map(nodeOf)}
      </svg>
    </div>
    <h2>Dependencies as text</h2>
    <ul class="edges">
      ${projects.map((node) => {
        const parents = picture.edges.filter((edge) => edge.child === node.name);
        return html`<li>
          <a href="${projectPath(node.entry!)}">${node.name}</a> ${statusBadge(node.status)}
          ${
            parents.length === 0
              ? html`<span class="muted">built on no image of the graph</span>`
              : html`<span class="muted">built on</span> ${parents.map(
                  (edge, index) =>
                    html`${index > 0 ? ', ' : ''}${byName.get(edge.parent)?.entry ? html`<a href="${projectPath(byName.get(edge.parent)!.entry!)}">${edge.parent}</a>` : edge.parent}${edge.learned ? html` <span class="muted">(FROM)</span>` : ''}`,
                )}`
          }
        </li>`;
      })}
    </ul>`;
  return renderPage({ title: 'Dependency graph', section: 'graph', body });
}

function nodeOf(node: GraphNode): SafeHtml {
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  const box = html`<rect x="${at(left)}" y="${at(top)}" width="${at(node.width)}" height="${at(node.height)}" rx="6" /><text
      x="${at(node.x)}"
      y="${at(node.y)}"
      text-anchor="middle"
      dominant-baseline="central"
      >${node.name}</text
    >`;
  if (!node.entry) {
    return html`<g class="node graph-external" data-name="${node.name}"><title>${node.name}: outside the index</title>${box}</g>`;
  }
  return html`<a
    class="node graph-${node.status}"
    data-name="${node.name}"
    href="${projectPath(node.entry)}"
    aria-label="${node.name}, last build ${node.status}"
    ><title>${node.name}: last build ${node.status}</title>${box}</a
  >`;
}

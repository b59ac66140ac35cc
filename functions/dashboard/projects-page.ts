import { reportUrl } from '../../shared/host/report-routes';
import type { SeverityCounts } from '../../shared/events/types';
import type { SeverityCount } from '../../shared/reports/types';
import { durationOf, oneLine, shortDigest, statusBadge, timeOf } from './format';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import { PROJECT_STATUSES, type ProjectStatus, type ProjectSummary, type ScanSummary } from './read-model';
import { projectPath } from './urls';

/** What the projects page is asked to show: `?status=failed&q=httpd`. */
export interface ProjectFilter {
  status?: ProjectStatus;
  /** Words that must all appear in the name, the git URL or the last cause (any case). */
  q?: string;
}

/** Failing first, then builds in progress, then the rest; by name within each. */
const STATUS_RANK: Readonly<Record<ProjectStatus, number>> = Object.fromEntries(PROJECT_STATUSES.map((status, index) => [status, index])) as Record<
  ProjectStatus,
  number
>;

/**
 * The projects `filter` keeps, failing first: the order of {@link PROJECT_STATUSES}, then by
 * name.
 */
export function selectProjects(summaries: readonly ProjectSummary[], filter: ProjectFilter): ProjectSummary[] {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return summaries
    .filter((summary) => !filter.status || summary.status === filter.status)
    .filter((summary) => {
      const haystack = `${summary.name}\n${summary.entry.gitUrl}\n${summary.lastBuild?.cause.message ?? ''}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    })
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name));
}

/**
 * `/`: every project of the index with its last build (status, when, how long, cause, digest),
 * its last scan (findings by severity and by scanner) and its lint verdict, in a table, with a
 * form (plain GET, no script) that filters by status and text.
 */
export function renderProjectsPage(summaries: readonly ProjectSummary[], filter: ProjectFilter): string {
  const shown = selectProjects(summaries, filter);
  const failing = summaries.filter((summary) => summary.status === 'failed').length;
  const option = (value: string, label: string): SafeHtml =>
    html`<option value="${value}"${(filter.status ?? '') === value ? html` selected` : ''}>${label}</option>`;
  const body = html`<p>${summaries.length} project${summaries.length === 1 ? '' : 's'} in the index, ${failing} failing.</p>
<form class="filter" method="get" action="/" role="search" aria-label="Filter the projects">
<label for="filter-status">Last build<select id="filter-status" name="status">${option('', 'any status')}${PROJECT_STATUSES.map((status) => option(status, status === 'never' ? 'never built' : status))}</select></label>
<label for="filter-q">Text<input id="filter-q" name="q" type="search" value="${filter.q ?? ''}" placeholder="name, git URL or cause"></label>
<button type="submit">Filter</button>
${filter.status || filter.q ? html`<a href="/">Show all</a>` : ''}
</form>
${
  summaries.length === 0
    ? html`<p>The index lists no project: is one configured (<code>ccp serve --index DIR</code>, <code>CCP_INDEX</code>)?</p>`
    : shown.length === 0
      ? html`<p>No project matches.</p>`
      : html`<table>
<caption>${shown.length === summaries.length ? 'Every project' : `${shown.length} of ${summaries.length} projects`}, failing first</caption>
<thead><tr><th scope="col">Project</th><th scope="col">Last build</th><th scope="col">When</th><th scope="col" class="num">Took</th><th scope="col">Cause</th><th scope="col">Digest</th><th scope="col">Last scan</th><th scope="col">Lint</th></tr></thead>
<tbody>
${shown.map(projectRow)}
</tbody>
</table>`
}`;
  return renderPage({ title: 'Projects', section: 'projects', body });
}

function projectRow(summary: ProjectSummary): SafeHtml {
  const build = summary.lastBuild;
  const when = build ? (build.timings.finishedAt ?? build.timings.startedAt ?? build.timings.queuedAt) : undefined;
  return html`<tr>
<th scope="row"><a href="${projectPath(summary.entry)}">${summary.name}</a></th>
<td>${statusBadge(summary.status === 'never' ? 'never' : summary.status)}${summary.status === 'never' ? html` <span class="muted">never built</span>` : ''}</td>
<td>${timeOf(when)}</td>
<td class="num">${durationOf(build?.timings.durationMs)}</td>
<td>${build ? oneLine(build.cause.message) : ''}${build?.reason ? html`<br><span class="muted">${oneLine(build.reason)}</span>` : ''}</td>
<td>${shortDigest(build?.image?.digest)}</td>
<td>${scanCell(summary.scan)}</td>
<td>${summary.lint ? html`${statusBadge(summary.lint.verdict)} <span class="muted">${lintText(summary.lint.counts)}</span>` : html`<span class="muted">–</span>`}</td>
</tr>
`;
}

/** `3 high, 1 medium` (the severities with findings), or `no findings`. */
export function severityText(counts: SeverityCount): string {
  const parts = (['high', 'medium', 'low', 'info'] as const).filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

function scanCell(scan: ScanSummary | null): SafeHtml {
  if (!scan) return html`<span class="muted">not scanned</span>`;
  const page = reportUrl('', scan.reports.html);
  const byScanner = scan.scanners.map((scanner) => {
    const findings = scanner.counts.high + scanner.counts.medium + scanner.counts.low + scanner.counts.info;
    return `${scanner.id} ${scanner.status === 'ok' ? findings : scanner.status}`;
  });
  return html`${statusBadge(scan.verdict)} ${page ? html`<a href="${page}">${severityText(scan.counts)}</a>` : severityText(scan.counts)}
${byScanner.length > 0 ? html`<br><span class="muted">${byScanner.join(' · ')}</span>` : ''}`;
}

/** `2 errors, 1 style` (the levels with findings), or `no findings`. */
export function lintText(counts: SeverityCounts): string {
  // `info` and `style` are not counted nouns: `2 info`, like hadolint's own summary.
  const parts = (['error', 'warning', 'info', 'style'] as const)
    .filter((level) => counts[level] > 0)
    .map((level) => `${counts[level]} ${level}${counts[level] > 1 && (level === 'error' || level === 'warning') ? 's' : ''}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

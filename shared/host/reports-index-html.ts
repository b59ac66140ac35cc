import { escapeHtml } from '../reports/html-escape';
import type { IndexedFile, IndexedProject, ReportsIndexPage } from './reports-index';

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#fff;border-bottom:1px solid #dde1e6;padding:1.2em 2em}
main{padding:1em 2em 2em}
h1{font-size:1.5em;margin:0 0 .3em}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #dde1e6;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eef1f4}
.status-succeeded,.lint-passed,.scan-clean{color:#185c2b}
.status-failed,.lint-blocked,.scan-high{color:#8a1c17}
.files a{margin-right:.6em}
.meta{color:#5b6472}
`;

/**
 * The reports index as a page: one row per project (its latest build), links to each report file
 * of that build. `linkPrefix` makes the links relative to where the page is served: `''` at
 * `/reports/`, `'reports/'` at `/reports`. No script; every value from the store is escaped.
 * @see https://html.spec.whatwg.org/multipage/tables.html
 */
export function renderReportsIndex(index: ReportsIndexPage, linkPrefix: '' | 'reports/'): string {
  const href = (file: IndexedFile): string => escapeHtml(`${linkPrefix}${file.path.slice('/reports/'.length)}`);
  const rows = index.projects.map((project) => row(project, href)).join('\n');
  const empty = index.total === 0 ? '<p>No builds yet: run <code>ccp run --once</code> or send a <code>build.requested</code> event.</p>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ccp reports</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Reports</h1>
<p class="meta">The latest build of each of ${index.total} project${index.total === 1 ? '' : 's'}, newest first; page ${index.page} of ${index.pages}, ${index.pageSize} per page. <a href="?format=json${index.page > 1 ? `&amp;page=${index.page}` : ''}">JSON</a></p>
</header>
<main>
${empty}${index.projects.length > 0 ? `<table>\n<tr><th>Project</th><th>Build</th><th>Updated</th><th>Status</th><th>Lint</th><th>Scan</th><th>Reports</th></tr>\n${rows}\n</table>` : ''}
${pager(index)}
</main>
</body>
</html>
`;
}

function row(project: IndexedProject, href: (file: IndexedFile) => string): string {
  const files = project.files.map((file) => `<a href="${href(file)}">${escapeHtml(file.name)}</a>`).join(' ');
  const more = project.moreFiles ? ` <span class="meta">and ${project.moreFiles} more</span>` : '';
  return `<tr><td><code>${escapeHtml(project.project)}</code></td><td><code>${escapeHtml(project.buildId)}</code></td><td>${escapeHtml(project.updatedAt)}</td><td class="status-${escapeHtml(project.status)}">${escapeHtml(project.status)}${project.reason ? `<br><span class="meta">${escapeHtml(project.reason)}</span>` : ''}</td><td class="lint-${project.lint}">${project.lint}</td><td>${scanCell(project, href)}</td><td class="files">${files || '<span class="meta">none</span>'}${more}</td></tr>`;
}

function scanCell(project: IndexedProject, href: (file: IndexedFile) => string): string {
  const scan = project.scan;
  if (!scan) return '<span class="meta">not scanned</span>';
  const counts = Object.entries(scan.counts)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
  const other =
    scan.buildId === project.buildId
      ? ''
      : `<br><span class="meta">last scan ${escapeHtml(scan.at)}${scan.buildId ? ` of build ${escapeHtml(scan.buildId)}` : ''}</span>`;
  const link = scan.html && scan.buildId !== project.buildId ? ` <a href="${href(scan.html)}">page</a>` : '';
  return `<span class="scan-${escapeHtml(scan.verdict)}">${escapeHtml(scan.verdict)}</span>: ${escapeHtml(counts)}${other}${link}`;
}

function pager(index: ReportsIndexPage): string {
  const links: string[] = [];
  if (index.page > 1) links.push(`<a href="?page=${index.page - 1}">newer</a>`);
  if (index.page < index.pages) links.push(`<a href="?page=${index.page + 1}">older</a>`);
  return links.length > 0 ? `<nav>${links.join(' · ')}</nav>` : '';
}

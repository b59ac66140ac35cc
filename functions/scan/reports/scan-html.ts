import { imageName } from '../../../shared/index/types';
import type { ScanFinding } from '../../../shared/reports/scanner-types';
import { escapeHtml, safeHref } from '../../../shared/reports/html-escape';
import { SEVERITIES } from '../../../shared/reports/scan-report';
import type { ScanReport, ScannerReport, ScanVerdict } from '../../../shared/reports/types';
import {
  advisoryUrl,
  SEVERITY_BANDS,
  FIX_STATUSES,
  VULNERABILITIES_SCANNER,
  vulnerabilitiesOf,
  type Vulnerability,
} from '../../../shared/reports/vulnerabilities';
import { createHash } from 'node:crypto';

/** Links shown at the top of the page, as hrefs (relative to the page, or absolute URLs). */
export interface HtmlLinks {
  buildLog?: string;
  lint?: string;
  json?: string;
  sbom?: string;
}

const VERDICT_TEXT: Record<ScanVerdict, string> = {
  clean: 'No findings',
  findings: 'Findings to review',
  high: 'High-severity findings',
  incomplete: 'Incomplete: a scanner failed',
  skipped: 'Not scanned',
};

/**
 * `scan.html`: a page a person reads. The verdict and the counts by severity at the top, links
 * to the build log, the lint report, `scan.json` and the SBOM, then one section per scanner
 * with its status, reason, notes and a table of findings; the `vulnerabilities` scanner's table
 * has a column per fact (severity with its colour and word, advisory linked to osv.dev, package,
 * fix, status), most severe first, then fixable now first. One self-contained file: inline CSS,
 * no external assets, one inline script allowed by its hash in the page's CSP that only adds
 * click-to-sort to that table (the table reads the same without it); every value from the image
 * is HTML-escaped.
 * @see https://html.spec.whatwg.org/multipage/
 */
export function renderScanHtml(report: ScanReport, links: HtmlLinks = {}): string {
  const title = `Scan of ${report.project ? imageName(report.project) : report.image.ref}`;
  // The script (and its CSP source) only where there is a table to sort: other pages stay script-free.
  const sortable = (report.scanners[VULNERABILITIES_SCANNER]?.findings.length ?? 0) > 0;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'${sortable ? `; script-src '${SORT_SCRIPT_HASH}'` : ''}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="image"><code>${escapeHtml(report.image.ref)}</code>${report.image.digest ? `<br><code class="digest">${escapeHtml(report.image.digest)}</code>` : ''}</p>
<p class="verdict verdict-${report.verdict}">${escapeHtml(VERDICT_TEXT[report.verdict])}${report.reason ? `: ${escapeHtml(report.reason)}` : ''}</p>
${countsTable(report)}
<p class="meta">Scanned ${escapeHtml(report.scannedAt)} in ${formatMs(report.durationMs)}; scan ${escapeHtml(report.scanId)}${report.buildId ? `, build ${escapeHtml(report.buildId)}` : ''}.</p>
${linkList(links)}
</header>
<main>
${overview(report)}
${Object.values(report.scanners).map(section).join('\n')}
</main>
${sortable ? `<script>${SORT_SCRIPT}</script>\n` : ''}</body>
</html>
`;
}

function countsTable(report: ScanReport): string {
  const cells = SEVERITIES.map((severity) => `<td class="sev-${severity}"><span class="count">${report.counts[severity]}</span> ${severity}</td>`).join('');
  return `<table class="counts"><tr>${cells}</tr></table>`;
}

function linkList(links: HtmlLinks): string {
  const items = (
    [
      ['buildLog', 'Build log'],
      ['lint', 'Lint report'],
      ['json', 'scan.json'],
      ['sbom', 'SBOM (CycloneDX)'],
    ] as const
  )
    .map(([key, label]) => {
      const href = links[key] ? safeHref(links[key]) : null;
      return href ? `<li><a href="${href}">${label}</a></li>` : '';
    })
    .filter(Boolean);
  return items.length > 0 ? `<nav><ul class="links">${items.join('')}</ul></nav>` : '';
}

function overview(report: ScanReport): string {
  const rows = Object.values(report.scanners).map(
    (scanner) =>
      `<tr><td><a href="#${escapeHtml(scanner.id)}">${escapeHtml(scanner.id)}</a></td><td><span class="status status-${scanner.status}">${scanner.status}</span></td><td class="num">${scanner.findings.length}</td><td class="num">${scanner.packageCount}</td><td class="num">${formatMs(scanner.timings.durationMs)}</td><td>${escapeHtml(scanner.reason ?? '')}</td></tr>`,
  );
  return `<section><h2>Scanners</h2><table class="overview"><thead><tr><th>scanner</th><th>status</th><th>findings</th><th>packages</th><th>time</th><th>reason</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function section(scanner: ScannerReport): string {
  const notes = scanner.notes.length > 0 ? `<ul class="notes">${scanner.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>` : '';
  const reason = scanner.reason ? `<p class="reason reason-${scanner.status}">${escapeHtml(scanner.reason)}</p>` : '';
  const label = (scanner.extra?.label as { name?: unknown; value?: unknown } | undefined)?.value;
  const labelLine =
    typeof label === 'string'
      ? `<p class="label">Label ${escapeHtml(String((scanner.extra?.label as { name?: unknown }).name ?? 'RUN'))}: <code>${escapeHtml(label)}</code></p>`
      : '';
  const findings =
    scanner.id === VULNERABILITIES_SCANNER && scanner.findings.length > 0
      ? vulnerabilityTable(vulnerabilitiesOf({ scanners: { [scanner.id]: scanner } }))
      : scanner.findings.length === 0
        ? `<p class="none">${scanner.status === 'ok' ? 'Nothing found.' : 'No findings.'}</p>`
        : `<table class="findings"><thead><tr><th>severity</th><th>finding</th><th>details</th></tr></thead><tbody>${scanner.findings.map(findingRow).join('')}</tbody></table>`;
  return `<section id="${escapeHtml(scanner.id)}">
<h2>${escapeHtml(scanner.id)} <span class="version">${escapeHtml(scanner.version)}</span> <span class="status status-${scanner.status}">${scanner.status}</span></h2>
<p class="description">${escapeHtml(scanner.description)}</p>
${reason}${labelLine}${findings}${notes}
</section>`;
}

const BAND_CLASS: Record<string, string> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', none: 'info', unknown: 'info' };
const STATUS_TEXT: Record<Vulnerability['status'], string> = { 'fixable-now': 'fixable now', 'fix-upstream-only': 'fix upstream only', 'no-fix': 'no fix' };

/**
 * The advisories table: each cell's `data-sort` is what the script sorts by (a band's and a
 * status's rank, a score), so sorting by severity never falls back to the alphabet.
 */
function vulnerabilityTable(items: Vulnerability[]): string {
  const rows = items.map((item) => {
    const cve = item.aliases.filter((alias) => alias.startsWith('CVE-') && alias !== item.advisory);
    const score = item.score !== undefined ? ` ${item.score.toFixed(1)}` : '';
    return (
      `<tr>` +
      `<td class="sev sev-${BAND_CLASS[item.band]}" data-sort="${SEVERITY_BANDS.indexOf(item.band)}">${escapeHtml(item.band)}${score}</td>` +
      `<td data-sort="${FIX_STATUSES.indexOf(item.status)}"><span class="fix fix-${item.status}">${escapeHtml(STATUS_TEXT[item.status])}</span></td>` +
      `<td data-sort="${escapeHtml(item.advisory)}"><a href="${safeHref(advisoryUrl(item.advisory))}">${escapeHtml(item.advisory)}</a>${cve.length > 0 ? `<br><span class="alias">${escapeHtml(cve.join(', '))}</span>` : ''}</td>` +
      `<td data-sort="${escapeHtml(item.package)}">${escapeHtml(item.package)} <code>${escapeHtml(item.installed)}</code></td>` +
      `<td data-sort="${escapeHtml(item.fixed ?? '')}">${item.fixed === null ? '—' : `<code>${escapeHtml(item.fixed)}</code>`}${item.available ? `<br><span class="alias">available ${escapeHtml(item.available)}</span>` : ''}</td>` +
      `<td>${escapeHtml(item.summary)}${item.vector ? `<br><code class="vector">${escapeHtml(item.vector)}</code>` : ''}</td>` +
      `</tr>`
    );
  });
  const head = ['severity', 'status', 'advisory', 'package', 'fixed in', 'summary'].map((name, column) => `<th data-column="${column}">${name}</th>`).join('');
  return `<table class="findings vulnerabilities" data-sortable><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function findingRow(finding: ScanFinding): string {
  const details = Object.entries(finding.details)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(formatValue(value))}</dd>`)
    .join('');
  return `<tr><td class="sev sev-${escapeHtml(finding.severity)}">${escapeHtml(finding.severity)}</td><td>${escapeHtml(finding.title)}</td><td><dl>${details}</dl></td></tr>`;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#fff;border-bottom:1px solid #dde1e6;padding:1.2em 2em}
main{padding:0 2em 2em}
h1{font-size:1.5em;margin:0 0 .3em}
h2{font-size:1.2em;margin:1.4em 0 .4em}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace}
.digest{color:#5b6472}
.verdict{display:inline-block;font-weight:600;padding:.3em .8em;border-radius:4px;margin:.4em 0}
.verdict-clean{background:#dff3e4;color:#185c2b}
.verdict-findings{background:#fff4d6;color:#6b4e00}
.verdict-high{background:#fde2e1;color:#8a1c17}
.verdict-incomplete{background:#ffe9d6;color:#7a3c00}
.verdict-skipped{background:#e8eaee;color:#3b4351}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #dde1e6;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}
.counts td{border:none;padding:.2em 1.2em .2em 0;background:none}
.count{font-size:1.4em;font-weight:700}
.num{text-align:right}
.sev{font-weight:600;text-transform:uppercase;font-size:.8em}
.sev-critical{color:#fff;background:#8a1c17}.sev-high{color:#b3261e}.sev-medium{color:#9a5b00}.sev-low{color:#2d5fa8}.sev-info{color:#5b6472}
.status{font-size:.75em;font-weight:600;padding:.1em .5em;border-radius:3px;text-transform:uppercase}
.status-ok{background:#dff3e4;color:#185c2b}.status-failed{background:#fde2e1;color:#8a1c17}.status-skipped{background:#e8eaee;color:#3b4351}
.version{font-size:.7em;color:#5b6472;font-weight:400}
.description{color:#5b6472;margin:.2em 0 .6em}
.reason{background:#fff;border-left:4px solid #b3261e;padding:.4em .8em}.reason-skipped{border-left-color:#8a93a0}
.label code{background:#fff;border:1px solid #dde1e6;padding:.1em .4em;word-break:break-all}
td.sev{width:5.5em}
.notes{color:#5b6472;font-size:.9em}
.links{list-style:none;padding:0;margin:.4em 0 0}.links li{display:inline;margin-right:1.2em}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:0 .8em}dt{color:#5b6472}dd{margin:0;word-break:break-word}
.meta{color:#5b6472;font-size:.9em;margin:.3em 0}
table.findings{width:100%}
.fix{font-size:.8em;font-weight:600;white-space:nowrap}.fix-fixable-now{color:#185c2b}.fix-fix-upstream-only{color:#6b4e00}.fix-no-fix{color:#5b6472}
.alias,.vector{color:#5b6472;font-size:.85em}
th button{font:inherit;background:none;border:none;padding:0;cursor:pointer}
`;

/**
 * Click-to-sort for tables marked `data-sortable`: each header becomes a button sorting by the
 * cells' `data-sort` (numbers as numbers), a second click reverses. Plain DOM, no framework.
 */
const SORT_SCRIPT = `document.querySelectorAll('table[data-sortable]').forEach(function(table){
var body=table.tBodies[0];
table.querySelectorAll('th[data-column]').forEach(function(th){
var button=document.createElement('button');button.type='button';button.textContent=th.textContent;th.textContent='';th.appendChild(button);
button.addEventListener('click',function(){
var column=Number(th.getAttribute('data-column'));var descending=th.getAttribute('aria-sort')==='ascending';
table.querySelectorAll('th').forEach(function(other){other.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',descending?'descending':'ascending');
var key=function(row){var cell=row.cells[column];return cell.getAttribute('data-sort')||cell.textContent;};
Array.prototype.slice.call(body.rows).sort(function(a,b){var x=key(a),y=key(b);var n=Number(x)-Number(y);
var order=isNaN(n)?x.localeCompare(y):n;return descending?-order:order;}).forEach(function(row){body.appendChild(row);});
});});});`;

/** The script's CSP source: only this script runs on the page. */
const SORT_SCRIPT_HASH = `sha256-${createHash('sha256').update(SORT_SCRIPT).digest('base64')}`;

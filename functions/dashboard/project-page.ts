import type { BuildRecord } from '../../shared/builds/types';
import { FINAL_STATUSES } from '../../shared/builds/types';
import type { BuildCause } from '../../shared/events/types';
import { reportUrl } from '../../shared/host/report-routes';
import { safeHref } from '../../shared/reports/html-escape';
import { durationOf, oneLine, shortDigest, statusBadge, timeOf } from './format';
import { html, trusted, type SafeHtml } from './html';
import { renderPage } from './layout';
import { lintText, severityText } from './projects-page';
import type { LintSummary, ProjectDetail, ScanSummary } from './read-model';
import type { MailRecord, MailRecordLink, StoredMailRecord } from '../../shared/mails/mail-records';
import { buildLogPath, cascadePath, projectPath } from './urls';

/**
 * `/projects/<app-id>/<job-id>/<tag>`: the project's index entry, its last scan (by severity and
 * by scanner, with the report, SBOM and JSON), the lint of its newest linted build (findings by
 * line, with the JSON and SARIF), and its build history newest first: each build's status,
 * cause and the chain of causes before it, its cascade, and its log (followed live while it runs);
 * then the mails sent about it, newest first, 50 a page with an "Older mails" link.
 */
export function renderProjectPage(detail: ProjectDetail): string {
  const { entry } = detail;
  const gitUrl = safeHref(entry.gitUrl);
  const body = html`<dl class="facts">
<dt>Last build</dt><dd>${statusBadge(detail.status)}</dd>
<dt>Git</dt><dd>${gitUrl ? html`<a href="${trusted(gitUrl)}">${entry.gitUrl}</a>` : html`<code>${entry.gitUrl}</code>`} branch <code>${entry.gitBranch}</code></dd>
<dt>Dockerfile</dt><dd><code>${[entry.gitPath, entry.targetFile].filter((part) => part && part !== '.').join('/')}</code></dd>
<dt>Index entry</dt><dd><code>${entry.source.file}:${entry.source.line}</code></dd>
<dt>Depends on</dt><dd>${entry.dependsOn.length > 0 ? entry.dependsOn.map((parent, index) => html`${index > 0 ? ', ' : ''}<code>${parent}</code>`) : html`<span class="muted">nothing in the index</span>`}</dd>
</dl>
<section aria-labelledby="scan-heading">
<h2 id="scan-heading">Last scan</h2>
${scanSection(detail.scan)}
</section>
<section aria-labelledby="lint-heading">
<h2 id="lint-heading">Lint</h2>
${lintSection(detail.lint)}
</section>
<section aria-labelledby="builds-heading">
<h2 id="builds-heading">Builds</h2>
${buildsSection(detail)}
</section>
<section aria-labelledby="mails-heading">
<h2 id="mails-heading">Mails</h2>
${mailsSection(detail)}
</section>`;
  return renderPage({ title: detail.name, section: 'projects', body });
}

function reportLink(key: string | undefined, label: string): SafeHtml | '' {
  const href = key ? reportUrl('', key) : null;
  return href ? html`<a href="${href}">${label}</a>` : '';
}

function links(parts: ReadonlyArray<SafeHtml | ''>): SafeHtml {
  const present = parts.filter((part): part is SafeHtml => part !== '');
  return html`${present.map((part, index) => html`${index > 0 ? ' · ' : ''}${part}`)}`;
}

function scanSection(scan: ScanSummary | null): SafeHtml {
  if (!scan) return html`<p>Not scanned yet.</p>`;
  return html`<p>${statusBadge(scan.verdict)} ${severityText(scan.counts)}, scanned ${timeOf(scan.at)}${scan.buildId ? html` after build <code>${scan.buildId}</code>` : ''}; image ${shortDigest(scan.digest)}.</p>
<p>${links([reportLink(scan.reports.html, 'Scan report'), reportLink(scan.reports.json, 'scan.json'), reportLink(scan.reports.sbom, 'SBOM (CycloneDX)')])}</p>
${
  scan.scanners.length === 0
    ? ''
    : html`<table>
<caption>Findings by scanner</caption>
<thead><tr><th scope="col">Scanner</th><th scope="col">Status</th><th scope="col" class="num">High</th><th scope="col" class="num">Medium</th><th scope="col" class="num">Low</th><th scope="col" class="num">Info</th></tr></thead>
<tbody>${scan.scanners.map(
        (
          scanner,
        ) => html`<tr><th scope="row">${scanner.id}</th><td>${statusBadge(scanner.status === 'ok' ? 'ok' : scanner.status)}${scanner.reason ? html` <span class="muted">${oneLine(scanner.reason)}</span>` : ''}</td><td class="num">${scanner.counts.high}</td><td class="num">${scanner.counts.medium}</td><td class="num">${scanner.counts.low}</td><td class="num">${scanner.counts.info}</td></tr>
`,
      )}</tbody>
</table>`
}`;
}

function lintSection(lint: LintSummary | null): SafeHtml {
  if (!lint) return html`<p>Not linted yet.</p>`;
  return html`<p>${statusBadge(lint.verdict)} ${lintText(lint.counts)} in build <code>${lint.buildId}</code>. ${links([reportLink(lint.reports.json, 'lint.json'), reportLink(lint.reports.sarif, 'SARIF')])}</p>
${
  lint.findings.length === 0
    ? ''
    : html`<table>
<caption>Lint findings by line</caption>
<thead><tr><th scope="col" class="num">Line</th><th scope="col">Level</th><th scope="col">Rule</th><th scope="col">Message</th></tr></thead>
<tbody>${lint.findings.map(
        (
          finding,
        ) => html`<tr><td class="num"><span class="mono" title="${finding.file}">${finding.line}</span></td><td>${finding.level}</td><td><code>${finding.code}</code></td><td>${finding.message}</td></tr>
`,
      )}</tbody>
</table>`
}`;
}

function buildsSection(detail: ProjectDetail): SafeHtml {
  if (detail.builds.length === 0) return html`<p>No build yet.</p>`;
  const caption =
    detail.buildCount > detail.builds.length
      ? `The newest ${detail.builds.length} of ${detail.buildCount} builds`
      : `${detail.buildCount} build${detail.buildCount === 1 ? '' : 's'}, newest first`;
  return html`<table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Build</th><th scope="col">Status</th><th scope="col">Queued</th><th scope="col" class="num">Took</th><th scope="col">Cause</th><th scope="col">Commit</th><th scope="col">Digest</th><th scope="col">Reports</th></tr></thead>
<tbody>
${detail.builds.map((build) => buildRow(build, detail.reportFiles.get(build.buildId) ?? []))}
</tbody>
</table>`;
}

function buildRow(build: BuildRecord, files: readonly string[]): SafeHtml {
  const running = !FINAL_STATUSES.includes(build.status);
  const report = (file: string, label: string): SafeHtml | '' =>
    files.includes(file) ? reportLink(`${build.links.log.slice(0, build.links.log.lastIndexOf('/') + 1)}${file}`, label) : '';
  return html`<tr>
<th scope="row"><code>${build.buildId}</code></th>
<td>${statusBadge(build.status)}${build.reason ? html`<br><span class="muted">${oneLine(build.reason, 300)}</span>` : ''}</td>
<td>${timeOf(build.timings.queuedAt)}</td>
<td class="num">${durationOf(build.timings.durationMs)}</td>
<td>${causeOf(build)}</td>
<td>${build.commit ? html`<code title="${build.commit}">${build.commit.slice(0, 12)}</code>` : html`<span class="muted">–</span>`}</td>
<td>${shortDigest(build.image?.digest)}</td>
<td>${links([html`<a href="${buildLogPath(build.project, build.buildId)}">${running ? 'Log (live)' : 'Log'}</a>`, report('lint.json', 'lint'), report('lint.sarif', 'SARIF'), report('scan.html', 'scan'), report('sbom.cdx.json', 'SBOM')])}</td>
</tr>
`;
}

/** The build's cause, the causes before it (oldest first) and its cascade. */
function causeOf(build: BuildRecord): SafeHtml {
  const before = build.causeChain.slice(0, -1);
  const cascade = build.cause.cascade;
  return html`<span class="muted">${build.cause.kind}:</span> ${oneLine(build.cause.message, 300)}
${cascade ? html`<br>cascade <a href="${cascadePath(cascade)}"><code>${cascade}</code></a>` : ''}
${before.length > 0 ? html`<details><summary>${before.length} earlier cause${before.length === 1 ? '' : 's'}</summary><ol class="chain">${before.map(chainItem)}</ol></details>` : ''}`;
}

function chainItem(cause: BuildCause): SafeHtml {
  return html`<li><span class="muted">${cause.kind}:</span> ${oneLine(cause.message, 300)}</li>`;
}

const MAIL_KIND_WORDS: Record<MailRecord['kind'], string> = { build: 'build result', scan: 'scan result', 'cascade-notice': 'cascade notice' };

/**
 * The mails sent (or tried) about the project, one row each: when, what about, the subject, each
 * recipient with what became of it, the links the mail carried and its state (a failed one with
 * its error). Paged by plain links, so it needs no script.
 */
function mailsSection(detail: ProjectDetail): SafeHtml {
  const { mails, mailsBefore } = detail;
  const newest = html`<a href="${projectPath(detail.entry)}#mails-heading">Newest mails</a>`;
  if (mails.mails.length === 0) {
    return mailsBefore === undefined ? html`<p>No mail sent about it yet.</p>` : html`<p>No older mail. ${newest}</p>`;
  }
  const caption =
    mailsBefore === undefined && mails.older === null
      ? `${mails.total} mail${mails.total === 1 ? '' : 's'}, newest first`
      : `${mails.mails.length} of ${mails.total} mails, newest first`;
  const older = mails.older ? html`<a href="${projectPath(detail.entry)}?mails-before=${mails.older}#mails-heading">Older mails</a>` : '';
  return html`<table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Sent</th><th scope="col">About</th><th scope="col">Subject</th><th scope="col">Recipients</th><th scope="col">Links</th><th scope="col">State</th></tr></thead>
<tbody>
${mails.mails.map((item) => mailRow(detail, item))}
</tbody>
</table>
${older || mailsBefore !== undefined ? html`<p>${links([mailsBefore !== undefined ? newest : '', older])}</p>` : ''}`;
}

function mailRow(detail: ProjectDetail, { record }: StoredMailRecord): SafeHtml {
  const about = [
    record.buildId ? html`<br>build <a href="${buildLogPath(detail.entry, record.buildId)}"><code>${record.buildId}</code></a>` : '',
    record.cascade ? html`<br>cascade <a href="${cascadePath(record.cascade)}"><code>${record.cascade}</code></a>` : '',
  ];
  return html`<tr>
<td>${timeOf(record.at)}</td>
<td>${MAIL_KIND_WORDS[record.kind]}${about}</td>
<th scope="row">${oneLine(record.subject, 300)}<br><span class="muted mono" title="Message-ID">${record.messageId}</span></th>
<td><ul class="plain">${record.recipients.map(
    (recipient) =>
      html`<li>${recipient.address} ${statusBadge(recipient.status)}${recipient.reason ? html` <span class="muted">${oneLine(recipient.reason, 200)}</span>` : ''}</li>`,
  )}</ul></td>
<td>${links(record.links.map(mailLink))}</td>
<td>${statusBadge(record.state)}${record.error ? html`<br><span class="muted">${oneLine(record.error, 300)}</span>` : ''}</td>
</tr>
`;
}

/** A link of a mail: through the dashboard's own `/reports/` when the record has the report's key, else the mail's URL when it is http(s). */
function mailLink(link: MailRecordLink): SafeHtml | '' {
  const own = link.key ? reportUrl('', link.key) : null;
  if (own) return html`<a href="${own}">${link.label}</a>`;
  // safeHref escapes what it returns.
  const href = /^https?:/i.test(link.url) ? safeHref(link.url) : null;
  return href ? html`<a href="${trusted(href)}">${link.label}</a>` : html`<span class="muted">${link.label}</span>`;
}

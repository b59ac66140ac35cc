import { FINAL_STATUSES, type BuildRecord } from '../../shared/builds/types';
import { reportUrl } from '../../shared/host/report-routes';
import { durationOf, statusBadge, timeOf } from './format';
import { html } from './html';
import { renderPage } from './layout';
import { buildLogStreamPath, buildLogPath, projectPath } from './urls';

/** The script of the page that follows a running build's log. */
export const FOLLOW_LOG_SCRIPT = '/assets/follow-log.js';

/**
 * `…/builds/<build-id>/log`: one build's log as it is stored now. While the build has not
 * ended, the page shows the complete lines written so far and its script follows the
 * Server-Sent Events stream from exactly there (`?from=<bytes>`); without JavaScript a link loads
 * the page again. `log` is `null` when nothing is stored yet.
 */
export function renderLogPage(record: BuildRecord, log: Buffer | null): string {
  const running = !FINAL_STATUSES.includes(record.status);
  // While it runs, the unfinished last line is left for the stream to send once it is whole.
  const shownBytes = log === null ? 0 : running ? log.lastIndexOf(0x0a) + 1 : log.length;
  const text = log === null ? '' : log.subarray(0, shownBytes).toString('utf8');
  const raw = reportUrl('', record.links.log);
  const body = html`<p>Build <code>${record.buildId}</code> of <a href="${projectPath(record.project)}">${record.name}</a>: ${statusBadge(record.status)}, queued ${timeOf(record.timings.queuedAt)}, took ${durationOf(record.timings.durationMs)}.${
    raw ? html` <a href="${raw}">Plain text</a>.` : ''
  }</p>
${running ? html`<p id="log-state" role="status">This build is still ${record.status}. <a href="${buildLogPath(record.project, record.buildId)}">Reload</a> to see more of its log.</p>` : ''}
${log === null && !running ? html`<p>No log was stored for this build.</p>` : ''}
<pre class="log" id="log" tabindex="0" aria-label="Build log"${running ? html` data-stream="${buildLogStreamPath(record.project, record.buildId)}?from=${shownBytes}"` : ''}>${text}</pre>`;
  return renderPage({ title: `Build log of ${record.name}`, section: 'projects', body, scripts: running ? [FOLLOW_LOG_SCRIPT] : [] });
}

import type { DeadLetterView, RepoTrackerView } from './admin-model';
import { oneLine, timeOf } from './format';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { WeeklySchedule } from './weekly-schedule';

/** The path the "send again" forms post to. */
export const RESEND_PATH = '/admin/dead-letters/resend';

export interface AdminPageData {
  deadLetters: readonly DeadLetterView[];
  repos: readonly RepoTrackerView[];
  schedule: WeeklySchedule | null;
  /** The next firing of {@link schedule}, `null` when it is unknown. */
  nextScan: Date | null;
  /** Whether `CCP_DASHBOARD_ADMIN_TOKEN` is set: without it the view only shows. */
  resendEnabled: boolean;
}

/**
 * `/admin`: dead letters (newest first, each with its error, Trigger, event and a "send again"
 * form when the admin token is configured), the RPM repository tracker's state, and when the
 * weekly rescan fires next. The form carries the admin token typed by the admin: no cookie, so a
 * page of another site cannot post it (see routes.ts).
 */
export function renderAdminPage(data: AdminPageData): string {
  const body = html`<h2 id="dead-letters">Dead letters</h2>
    ${
      data.resendEnabled
        ? html`<p>"Send again" publishes the original event (same id) through the broker, once per dead letter; it needs the admin token.</p>`
        : html`<p class="muted">Sending again is off: set <code>CCP_DASHBOARD_ADMIN_TOKEN</code> to turn it on.</p>`
    }
    ${data.deadLetters.length === 0 ? html`<p>No dead letter: every event was delivered.</p>` : deadLetterTable(data)}
    <h2 id="repos">RPM repository tracker</h2>
    ${data.repos.length === 0 ? html`<p>No repository state yet: the tracker stores one after its first poll.</p>` : repoTable(data.repos)}
    <h2 id="weekly">Weekly rescan</h2>
    ${weekly(data)}`;
  return renderPage({ title: 'Admin', section: 'admin', body });
}

function deadLetterTable(data: AdminPageData): SafeHtml {
  return html`<table>
    <caption>
      ${data.deadLetters.length} dead letter${data.deadLetters.length === 1 ? '' : 's'}, newest first
    </caption>
    <thead>
      <tr>
        <th scope="col">Failed</th>
        <th scope="col">Trigger</th>
        <th scope="col">Event</th>
        <th scope="col">Error</th>
        <th scope="col">Send again</th>
      </tr>
    </thead>
    <tbody>
      ${data.deadLetters.map(({ key, record, resent }) => {
        const event = record.event;
        return html`<tr>
          <td>${timeOf(record.time)}<br /><span class="muted">${record.attempts} attempt${record.attempts === 1 ? '' : 's'}</span></td>
          <td><code>${record.trigger}</code><br /><span class="muted">${record.function}, ${record.stage}</span></td>
          <td>
            <code>${String(event.type ?? '')}</code><br /><span class="muted">id</span> <code>${String(event.id ?? '')}</code><br /><span class="muted"
              >source</span
            >
            <code>${String(event.source ?? '')}</code>${typeof event.time === 'string' ? html`<br />${timeOf(event.time)}` : ''}
          </td>
          <td>
            <span class="muted">${record.error.name}:</span>
            ${oneLine(record.error.message, 300)}${record.retryable ? '' : html`<br /><span class="muted">not retryable</span>`}
          </td>
          <td>
            ${resent ? html`<p>Sent again ${timeOf(resent.at)}</p>` : ''}
            ${
              data.resendEnabled && !resent
                ? html`<form class="inline" method="post" action="${RESEND_PATH}">
                    <input type="hidden" name="key" value="${key}" />
                    <label>Admin token <input type="password" name="token" autocomplete="current-password" required /></label>
                    <button type="submit">Send again</button>
                  </form>`
                : ''
            }
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function repoTable(repos: readonly RepoTrackerView[]): SafeHtml {
  return html`<table>
    <caption>
      ${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}
    </caption>
    <thead>
      <tr>
        <th scope="col">Repository</th>
        <th scope="col">Last poll that worked</th>
        <th scope="col" class="num">Packages</th>
        <th scope="col">Last change sent</th>
        <th scope="col">Last error</th>
      </tr>
    </thead>
    <tbody>
      ${repos.map(
        (repo) =>
          html`<tr>
            <th scope="row">${repo.name}<br /><code class="muted">${repo.url}</code></th>
            <td>${timeOf(repo.polledAt)}${repo.revision ? html`<br /><span class="muted">revision</span> <code>${repo.revision}</code>` : ''}</td>
            <td class="num">${repo.packages ?? '–'}</td>
            <td>${repo.lastChangeEventId ? html`<code>${repo.lastChangeEventId}</code>` : html`<span class="muted">–</span>`}</td>
            <td>${repo.lastError ? html`${timeOf(repo.lastErrorAt)}<br />${oneLine(repo.lastError, 300)}` : html`<span class="muted">none</span>`}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function weekly(data: AdminPageData): SafeHtml {
  if (!data.schedule) return html`<p>The weekly rescan's PingSource (<code>eventing/sources/ping-weekly-rescan.yaml</code>) could not be read.</p>`;
  return html`<dl class="facts">
      <dt>Next</dt>
      <dd>${data.nextScan ? timeOf(data.nextScan.toISOString()) : html`<span class="muted">not computed for this schedule</span>`}</dd>
      <dt>Schedule</dt>
      <dd><code>${data.schedule.cron}</code> (${data.schedule.timezone}), PingSource <code>${data.schedule.source}</code></dd>
    </dl>
    <p class="muted">
      The cluster's PingSource fires it; the embedded runtime (<code>ccp serve</code>) has no PingSource and rescans only when a <code>tick.weekly</code> event
      is posted to it.
    </p>`;
}

/** The answer to a "send again": what happened, in words. */
export function renderResendPage(outcome: { kind: 'sent' | 'already'; eventId: string; at?: string }): string {
  const body =
    outcome.kind === 'sent'
      ? html`<p>The event <code>${outcome.eventId}</code> was published again through the broker.</p>`
      : html`<p>
          The event <code>${outcome.eventId}</code> was already sent again${outcome.at ? html` ${timeOf(outcome.at)}` : ''}; nothing was sent this time.
        </p>`;
  return renderPage({
    title: outcome.kind === 'sent' ? 'Sent again' : 'Already sent again',
    section: 'admin',
    body: html`${body}
      <p><a href="/admin#dead-letters">Back to the dead letters</a></p>`,
  });
}

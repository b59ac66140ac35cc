import type { CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { createMailTransport } from './mail/transports/api';
import { createReportLinker, type ReportLinker } from './mail/links';
import { deliverMails, type PlannedMail } from './mail/deliver';
import { planBuildMail } from './plan-build';
import { planNoticeMails } from './plan-notice';
import { planScanMail } from './plan-scan';
import { withIndexEntries } from './recipients';
import type { NotifyContext } from './settings';

export const FUNCTION_NAME = 'notify';

/**
 * On `build.completed`, `scan.completed` and `notice.requested`: decides by the project's quiet
 * policy whether to mail, renders a text and an HTML part with links to every report, and
 * sends each recipient at most one mail per event (markers in the store). Emits nothing.
 * A mail server that is down throws a retryable error: the broker retries, then dead-letters.
 * @see ../../README.md#notifications
 */
export async function handle(event: CloudEvent<unknown>, context: NotifyContext): Promise<CloudEvent<unknown>[]> {
  validateEvent(event);
  const { linker, reportKeyOf } = rememberingKeys(createReportLinker(context.config, context.store));
  // Recipients come from the index's entries only, never from the event's (see recipients.ts).
  const trusted = await withIndexEntries(event, context);
  const mails = trusted ? await plan(trusted, context, linker) : [];
  if (mails.length === 0) return [];
  const settings = context.mail;
  const transport = createMailTransport(settings);
  try {
    await deliverMails(mails, {
      store: context.store,
      log: context.log,
      settings,
      transport,
      event: { id: event.id, source: event.source, type: event.type },
      reportKeyOf,
    });
  } finally {
    transport?.close();
  }
  return [];
}

/**
 * The linker, remembering the store key of each link it made: the mail records keep it, so the
 * dashboard links the report through its own `/reports/` (a presigned link expires, a file link
 * opens only on the machine that wrote it).
 */
function rememberingKeys(inner: ReportLinker): { linker: ReportLinker; reportKeyOf: (url: string) => string | undefined } {
  const keys = new Map<string, string>();
  return {
    linker: {
      kind: inner.kind,
      link: async (key) => {
        const url = await inner.link(key);
        keys.set(url, key);
        return url;
      },
    },
    reportKeyOf: (url) => keys.get(url),
  };
}

async function plan(event: CloudEvent<unknown>, context: NotifyContext, linker: ReportLinker): Promise<PlannedMail[]> {
  switch (event.type) {
    case EventTypes.buildCompleted:
      return planBuildMail(event, dataOf(event, EventTypes.buildCompleted), context, linker);
    case EventTypes.scanCompleted:
      return planScanMail(event, dataOf(event, EventTypes.scanCompleted), context, linker);
    case EventTypes.noticeRequested:
      return planNoticeMails(event, dataOf(event, EventTypes.noticeRequested), context, linker);
    default:
      context.log.warn('notify got an event type it does not mail about', { eventType: event.type, eventId: event.id });
      return [];
  }
}

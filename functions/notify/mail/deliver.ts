import { createHash } from 'node:crypto';
import type { ProjectRef } from '../../../shared/index/types';
import type { Logger } from '../../../shared/log/logger';
import { limitText } from '../../../shared/redact/limit';
import { redact } from '../../../shared/redact/redact';
import type { ObjectStore } from '../../../shared/store/types';
import { isValidAddress, normalizeAddress } from './address';
import { appendNotifications, type NotificationEntry } from './build-record';
import { MailTransportError } from './errors';
import { mapDocumentText, type MailDocument } from './render/document';
import { renderHtml } from './render/html';
import { renderText } from './render/text';
import { claimRecipients, releaseRecipients, settleRecipient } from './sent-markers';
import type { MailSettings } from '../../../shared/config/mail-settings';
import type { MailTransport, OutgoingMail } from './types';

/** One mail an event asks for, before addresses are checked and claimed. */
export interface PlannedMail {
  /** Distinct among the mails of one event (`build`, `notice:<address>`…). */
  key: string;
  to: readonly string[];
  cc: readonly string[];
  document: MailDocument;
  /** Build records that get a `notifications` entry per recipient. */
  records: readonly { ref: ProjectRef; buildId: string }[];
  headers: Record<string, string>;
}

export interface DeliveryContext {
  store: ObjectStore;
  log: Logger;
  settings: MailSettings;
  /** `null` when no mail transport is configured: mails are logged, not sent. */
  transport: MailTransport | null;
  event: { id: string; source: string; type: string };
}

/** What became of each recipient of each mail. */
export interface DeliveryOutcome {
  mail: string;
  messageId: string;
  sent: string[];
  /** Already mailed for this event by an earlier delivery (or one that crashed while sending). */
  alreadyMailed: string[];
  rejected: { address: string; reason: string }[];
  invalid: string[];
  location?: string;
}

/**
 * Sends the planned mails of one event, each recipient at most once per event: invalid
 * addresses are recorded and skipped, the others claimed (create-only markers), sent, and
 * settled; every outcome goes to the logs and to the build records. A transport failure
 * releases the claims of that mail and is rethrown (after the other mails were tried) so that
 * the broker retries the event.
 * @see ./sent-markers.ts
 */
export async function deliverMails(mails: readonly PlannedMail[], context: DeliveryContext): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  let failure: unknown = null;
  for (const mail of mails) {
    try {
      outcomes.push(await deliverOne(mail, context));
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return outcomes;
}

async function deliverOne(mail: PlannedMail, context: DeliveryContext): Promise<DeliveryOutcome> {
  const { store, log, settings, event } = context;
  const eventKey = `${event.source} ${event.id}`;
  const messageId = `${hash(eventKey, 20)}.${hash(mail.key, 8)}@${domainOf(settings.from)}`;
  const to = unique(mail.to.map(normalizeAddress));
  const cc = unique(mail.cc.map(normalizeAddress)).filter((address) => !to.includes(address));
  const invalid = [...to, ...cc].filter((address) => !isValidAddress(address));
  const valid = [...to, ...cc].filter(isValidAddress);
  const outcome: DeliveryOutcome = { mail: mail.key, messageId, sent: [], alreadyMailed: [], rejected: [], invalid };
  const fields = { mail: mail.key, messageId, eventId: event.id, eventType: event.type };

  for (const address of invalid) log.warn('not a valid mail address; not mailed', { ...fields, recipient: address });
  if (!context.transport) {
    log.info('mail not sent: neither SMTP nor a mail folder is configured', { ...fields, to, cc, subject: mail.document.subject });
    await record(mail, context, outcome, messageId);
    return outcome;
  }
  const claimed = await claimRecipients(store, eventKey, mail.key, messageId, valid);
  outcome.alreadyMailed = valid.filter((address) => !claimed.includes(address));
  if (outcome.alreadyMailed.length > 0) log.info('already mailed for this event; not mailed again', { ...fields, recipients: outcome.alreadyMailed });
  if (claimed.length > 0) {
    const outgoing = compose(
      mail,
      settings,
      messageId,
      to.filter((a) => claimed.includes(a)),
      cc.filter((a) => claimed.includes(a)),
    );
    let result;
    try {
      result = await context.transport.send(outgoing);
    } catch (error) {
      await releaseRecipients(store, eventKey, mail.key, claimed);
      const retryable = error instanceof MailTransportError;
      const stack = error instanceof Error && error.stack ? { stack: limitText(redact(error.stack, settings.secrets)) } : {};
      log.error('mail could not be sent; the event will be retried', {
        ...fields,
        error: limitText(redact(String((error as Error).message), settings.secrets)),
        ...stack,
        retryable,
      });
      throw error;
    }
    const at = new Date().toISOString();
    for (const address of result.accepted.map(normalizeAddress)) {
      if (claimed.includes(address)) outcome.sent.push(address);
    }
    outcome.rejected = result.rejected.map((item) => ({ address: normalizeAddress(item.address), reason: limitText(redact(item.reason, settings.secrets)) }));
    outcome.location = result.location;
    await Promise.all([
      ...outcome.sent.map((address) => settleRecipient(store, eventKey, mail.key, address, { status: 'sent', at, messageId })),
      ...outcome.rejected.map((item) => settleRecipient(store, eventKey, mail.key, item.address, { status: 'rejected', at, messageId, reason: item.reason })),
    ]);
    for (const item of outcome.rejected) log.warn('mail server refused the recipient', { ...fields, recipient: item.address, reason: item.reason });
    if (outcome.sent.length > 0) log.info('mail sent', { ...fields, recipients: outcome.sent, subject: outgoing.subject, location: result.location });
  }
  await record(mail, context, outcome, messageId);
  return outcome;
}

/**
 * Renders both parts from the document with every secret removed and every text (a reason, a
 * cause message of an event) cut to 4096 characters first, then scrubs both parts again: the
 * HTML-escaped spelling of a secret is one of its forms.
 * @see ../../../shared/redact/readme.md
 */
export function compose(mail: PlannedMail, settings: MailSettings, messageId: string, to: string[], cc: string[]): OutgoingMail {
  const document = mapDocumentText(mail.document, (text) => limitText(redact(text, settings.secrets)));
  const html = redact(renderHtml(document), settings.secrets);
  return {
    messageId,
    from: settings.from,
    to,
    cc,
    // A header is one line: a line break from an event's text must not start another header.
    subject: document.subject.replace(/[\r\n]+/g, ' '),
    text: redact(renderText(document), settings.secrets),
    html,
    headers: { ...mail.headers, 'Auto-Submitted': 'auto-generated' },
  };
}

async function record(mail: PlannedMail, context: DeliveryContext, outcome: DeliveryOutcome, messageId: string): Promise<void> {
  const at = new Date().toISOString();
  const base = { at, eventId: context.event.id, eventType: context.event.type };
  const entries: NotificationEntry[] = [
    ...outcome.sent.map((recipient): NotificationEntry => ({ ...base, recipient, status: 'sent', messageId })),
    ...outcome.rejected.map((item): NotificationEntry => ({ ...base, recipient: item.address, status: 'rejected', messageId, reason: item.reason })),
    ...outcome.invalid.map((recipient): NotificationEntry => ({ ...base, recipient, status: 'invalid-address', reason: 'not a valid mail address' })),
  ];
  for (const target of mail.records) {
    const appended = await appendNotifications(context.store, target.ref, target.buildId, entries);
    if (!appended && entries.some((entry) => entry.status !== 'sent')) {
      context.log.warn('no build record to note the undelivered mail in', { buildId: target.buildId, mail: mail.key });
    }
  }
  if (outcome.invalid.length > 0) {
    // Marked so that a redelivery does not log the same bad address as news.
    await Promise.all(
      outcome.invalid.map((address) =>
        settleRecipient(context.store, `${context.event.source} ${context.event.id}`, mail.key, address, {
          status: 'invalid',
          at,
          messageId,
          reason: 'not a valid mail address',
        }),
      ),
    );
  }
}

function unique(addresses: string[]): string[] {
  return [...new Set(addresses.filter((address) => address.length > 0))];
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function domainOf(address: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(address)?.[1];
  return domain ?? 'ccp.local';
}

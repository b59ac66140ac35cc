import { createHash } from 'node:crypto';
import type { ProjectRef } from '../../../shared/index/types';
import type { Logger } from '../../../shared/log/logger';
import { limitText } from '../../../shared/redact/limit';
import { redact } from '../../../shared/redact/redact';
import type { ObjectStore } from '../../../shared/store/types';
import { saveMailRecord, type MailKind, type MailRecipient, type MailRecord, type MailState } from '../../../shared/mails/mail-records';
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
  /** What the mail is about, for its records on the project pages. */
  kind: MailKind;
  /** Every image the mail names (with its build when it has one): each gets a mail record. */
  about: readonly { ref: ProjectRef; buildId?: string }[];
  /** The cascade of a cascade notice. */
  cascade?: string;
}

export interface DeliveryContext {
  store: ObjectStore;
  log: Logger;
  settings: MailSettings;
  /** `null` when no mail transport is configured: mails are logged, not sent. */
  transport: MailTransport | null;
  event: { id: string; source: string; type: string };
  /** The store key a report link of the mails was made from (see handle.ts), kept in the mail records. */
  reportKeyOf?: (url: string) => string | undefined;
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
      await recordMail(mail, context, messageId, 'failed', {
        recipients: claimed.map((address): MailRecipient => ({ address, status: 'not-sent' })),
        error: limitText(redact(String((error as Error).message), settings.secrets), MAX_ERROR_LENGTH),
      });
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
  if (claimed.length > 0 || invalid.length > 0) {
    // Only what this delivery did: a redelivery that found every recipient mailed writes nothing.
    await recordMail(mail, context, messageId, outcome.sent.length > 0 ? 'sent' : 'refused', {
      recipients: [
        ...outcome.sent.map((address): MailRecipient => ({ address, status: 'sent' })),
        ...outcome.rejected.map((item): MailRecipient => ({ address: item.address, status: 'rejected', reason: item.reason })),
        ...invalid.map((address): MailRecipient => ({ address, status: 'invalid-address', reason: 'not a valid mail address' })),
      ],
    });
  }
  await record(mail, context, outcome, messageId);
  return outcome;
}

/** Longest error of a failed send kept in its mail record, in characters. */
const MAX_ERROR_LENGTH = 500;

/**
 * Writes one mail record per image the mail names (`state/mails/…`, shared/mails/), keyed by
 * the event and mail like the sent markers, so a retry updates its record instead of adding
 * one. Subject, links and addresses are redacted as in the mail itself.
 * A store that fails here is logged, not thrown: the mail went out, and a retry of the event
 * would not send it again, so it would not write the record either.
 * @see ../../../shared/mails/readme.md
 */
async function recordMail(
  mail: PlannedMail,
  context: DeliveryContext,
  messageId: string,
  state: MailState,
  details: { recipients: MailRecipient[]; error?: string },
): Promise<void> {
  const { settings, event } = context;
  const links = mail.document.sections.flatMap((section) => section.links ?? []);
  const base: Omit<MailRecord, 'buildId'> = {
    format: 'ccp.mail-record/v1',
    kind: mail.kind,
    state,
    // As compose() writes the Subject header.
    subject: limitText(redact(mail.document.subject, settings.secrets)).replace(/[\r\n]+/g, ' '),
    recipients: details.recipients.map((recipient) => ({ ...recipient, address: redact(recipient.address, settings.secrets) })),
    at: new Date().toISOString(),
    eventId: event.id,
    eventType: event.type,
    ...(mail.cascade ? { cascade: mail.cascade } : {}),
    links: links.map((link) => {
      const key = context.reportKeyOf?.(link.url);
      return { label: limitText(redact(link.label, settings.secrets), 200), url: redact(link.url, settings.secrets), ...(key ? { key } : {}) };
    }),
    messageId,
    ...(details.error !== undefined ? { error: details.error } : {}),
  };
  const identity = `${event.source} ${event.id}\n${mail.key}`;
  try {
    await Promise.all(
      mail.about.map((target) => saveMailRecord(context.store, target.ref, identity, { ...base, ...(target.buildId ? { buildId: target.buildId } : {}) })),
    );
  } catch (error) {
    context.log.error('the mail record could not be written', { mail: mail.key, messageId, error: String((error as Error).message) });
  }
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

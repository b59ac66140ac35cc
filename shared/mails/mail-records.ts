import type { ProjectRef } from '../index/types';
import { PreconditionFailedError } from '../store/errors';
import { MAIL_RECORD_ID, mailRecordKey, mailRecordsPrefix } from '../store/keys';
import type { ObjectStore } from '../store/types';

/** What a mail was about: a build's outcome, a scan's result, or a cascade's combined notice. */
export type MailKind = 'build' | 'scan' | 'cascade-notice';

export const MAIL_KINDS: readonly MailKind[] = ['build', 'scan', 'cascade-notice'];

/**
 * How the mail went: `sent` (the server took it for at least one recipient), `refused` (no
 * recipient was taken: every address invalid or rejected for good), `failed` (the server could
 * not be reached or took nothing; the event is retried and the record updated, or dead-lettered).
 */
export type MailState = 'sent' | 'refused' | 'failed';

export const MAIL_STATES: readonly MailState[] = ['sent', 'refused', 'failed'];

const RECIPIENT_STATUSES: readonly MailRecipient['status'][] = ['sent', 'rejected', 'invalid-address', 'not-sent'];

/** One recipient of a recorded mail and what became of it. */
export interface MailRecipient {
  /** As the index gives it, redacted. */
  address: string;
  status: 'sent' | 'rejected' | 'invalid-address' | 'not-sent';
  /** The server's rejection, or why it was not mailed (redacted, bounded). */
  reason?: string;
}

/** A link the mail carried: its label, the URL in the mail, and the report's store key when the link was made from one. */
export interface MailRecordLink {
  label: string;
  url: string;
  key?: string;
}

/**
 * `state/mails/<app-id>/<job-id>/<tag>/<time>-<hash>.json`: one mail about one image, written
 * by the notify function after it tried to send it. Every text is redacted and bounded by the
 * writer; a reader still treats it as data (escaped, links checked).
 */
export interface MailRecord {
  format: 'ccp.mail-record/v1';
  kind: MailKind;
  state: MailState;
  subject: string;
  recipients: MailRecipient[];
  /** When the mail was sent (or last tried), ISO 8601. */
  at: string;
  eventId: string;
  eventType: string;
  /** The image's build the mail was about, when it was about one. */
  buildId?: string;
  /** The cascade of a cascade notice. */
  cascade?: string;
  links: MailRecordLink[];
  /** The SMTP `Message-ID`, without angle brackets. */
  messageId: string;
  /** Why a `failed` mail did not leave (redacted, bounded). */
  error?: string;
}

/** A record with its id (`<time>-<hash>`, its key's file name), the cursor of the "older" link. */
export interface StoredMailRecord {
  id: string;
  record: MailRecord;
}

/** One page of an image's mail records. */
export interface MailRecordPage {
  /** Newest first. */
  mails: StoredMailRecord[];
  /** The id to pass as `before` for the next older page; `null` when there is none. */
  older: string | null;
  /** Every mail record the image has. */
  total: number;
}

/** How often a record that changed under the writer is read again before giving up. */
const ATTEMPTS = 4;

/**
 * Writes the record of one mail about `ref`: a new key when the mail (`mailIdentity`, the
 * event and mail key of the notify function's sent markers) has no record yet, else the same
 * key again, compare-and-swap, so a redelivered event or a retry after a failed send leaves one
 * record. The recipients of `record` replace the stored ones with the same address; the others
 * (mailed by an earlier delivery) are kept. Returns the key.
 * @see ../store/keys.ts mailRecordKey
 */
export async function saveMailRecord(store: ObjectStore, ref: ProjectRef, mailIdentity: string, record: MailRecord, now: Date = new Date()): Promise<string> {
  const fresh = mailRecordKey(ref, now, mailIdentity);
  const suffix = fresh.slice(fresh.lastIndexOf('-'));
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { objects } = await store.list(mailRecordsPrefix(ref), { delimiter: '/' });
    const existing = objects.find((object) => object.key.endsWith(suffix))?.key;
    try {
      if (!existing) {
        await store.put(fresh, body(record), { contentType: 'application/json', ifNoneMatch: '*' });
        return fresh;
      }
      const stored = await store.get(existing);
      if (!stored) continue;
      const before = parseMailRecord(stored.body.toString('utf8'));
      const renewed = record.recipients.map((recipient) => recipient.address);
      const kept = (before?.recipients ?? []).filter((recipient) => !renewed.includes(recipient.address));
      await store.put(existing, body({ ...record, recipients: [...kept, ...record.recipients] }), { contentType: 'application/json', ifMatch: stored.etag });
      return existing;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new PreconditionFailedError(fresh, `the mail records of the image kept changing under ${ATTEMPTS} attempts`);
}

/**
 * The newest `limit` mail records of `ref` older than the record `before` (an id; all when
 * absent), newest first. A stored object that is not a mail record is left out.
 */
export async function readMailRecords(store: ObjectStore, ref: ProjectRef, options: { limit?: number; before?: string } = {}): Promise<MailRecordPage> {
  const limit = options.limit ?? 50;
  const prefix = mailRecordsPrefix(ref);
  // The delimiter keeps out the records of a job id nested below this one (`team` and `team/web`).
  const { objects } = await store.list(prefix, { delimiter: '/' });
  const ids = objects
    .map((object) => object.key.slice(prefix.length, -'.json'.length))
    .filter((id) => MAIL_RECORD_ID.test(id))
    .sort();
  const older = options.before === undefined ? ids : ids.filter((id) => id < options.before!);
  const page = older.slice(-limit).reverse();
  const read = await Promise.all(
    page.map(async (id): Promise<StoredMailRecord | null> => {
      const stored = await store.get(`${prefix}${id}.json`);
      const record = stored ? parseMailRecord(stored.body.toString('utf8')) : null;
      return record ? { id, record } : null;
    }),
  );
  return {
    mails: read.filter((item): item is StoredMailRecord => item !== null),
    older: older.length > page.length ? page[page.length - 1]! : null,
    total: ids.length,
  };
}

/** `text` as a {@link MailRecord}, or `null` when it is not JSON of that shape. */
export function parseMailRecord(text: string): MailRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const record = value as Partial<MailRecord> | null;
  if (typeof record !== 'object' || record === null || record.format !== 'ccp.mail-record/v1') return null;
  const strings = [record.subject, record.at, record.eventId, record.eventType, record.messageId];
  if (!strings.every((item) => typeof item === 'string')) return null;
  if (!MAIL_KINDS.includes(record.kind as MailKind) || !MAIL_STATES.includes(record.state as MailState)) return null;
  if (
    !Array.isArray(record.recipients) ||
    !record.recipients.every((recipient) => typeof recipient?.address === 'string' && RECIPIENT_STATUSES.includes(recipient.status))
  ) {
    return null;
  }
  if (!Array.isArray(record.links) || !record.links.every((link) => typeof link?.label === 'string' && typeof link.url === 'string')) return null;
  return record as MailRecord;
}

function body(record: MailRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

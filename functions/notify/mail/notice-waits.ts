import { createHash } from 'node:crypto';
import { PreconditionFailedError } from '../../../shared/store/errors';
import type { ObjectStore } from '../../../shared/store/types';

/**
 * `state/notify-notices/<cascade hash>.json`: a cascade notice waiting for the scans of its
 * images. Created once (create-only), so a redelivered notice keeps the first deadline instead
 * of waiting again from zero; `missing` names the builds whose scans the mail went out without,
 * so that those scans are still mailed on their own when they end.
 */
export interface NoticeWait {
  /** The notice event (`source id`). */
  event: string;
  since: string;
  deadline: string;
  /** Build ids whose scan the notice was composed without. */
  missing: string[];
}

/** The key of a cascade's wait record; the cascade id is hashed, whatever it holds. */
export function noticeWaitKey(cascade: string): string {
  return `state/notify-notices/${createHash('sha256').update(cascade).digest('hex').slice(0, 32)}.json`;
}

/** The wait record of a cascade, or `null` (none, or unreadable). */
export async function readNoticeWait(store: ObjectStore, cascade: string): Promise<NoticeWait | null> {
  const stored = await store.get(noticeWaitKey(cascade));
  return stored ? parseWait(stored.body) : null;
}

function parseWait(body: Buffer): NoticeWait | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as NoticeWait;
    return typeof value.deadline === 'string' && Array.isArray(value.missing) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Starts waiting for a cascade's scans, or finds the wait a first delivery of the notice
 * started: the deadline is the first one, so redeliveries never wait longer in all.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export async function startNoticeWait(store: ObjectStore, cascade: string, event: string, waitSeconds: number, now: Date): Promise<NoticeWait> {
  const wait: NoticeWait = { event, since: now.toISOString(), deadline: new Date(now.getTime() + waitSeconds * 1000).toISOString(), missing: [] };
  try {
    await store.put(noticeWaitKey(cascade), `${JSON.stringify(wait)}\n`, { contentType: 'application/json', ifNoneMatch: '*' });
    return wait;
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
  return (await readNoticeWait(store, cascade)) ?? wait;
}

const ATTEMPTS = 8;

/**
 * Notes the builds whose scans the notice goes out without (compare-and-swap, added to what a
 * concurrent delivery noted), before the notice is sent: a scan that ends after this reads it
 * and mails itself, one that ended before is in the notice. Never neither.
 */
export async function markScansMissing(store: ObjectStore, cascade: string, event: string, buildIds: readonly string[], now: Date): Promise<void> {
  const key = noticeWaitKey(cascade);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await store.get(key);
    const current = stored ? parseWait(stored.body) : null;
    const base: NoticeWait = current ?? { event, since: now.toISOString(), deadline: now.toISOString(), missing: [] };
    const next: NoticeWait = { ...base, missing: [...new Set([...base.missing, ...buildIds])].sort() };
    try {
      await store.put(key, `${JSON.stringify(next)}\n`, { contentType: 'application/json', ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' }) });
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new Error(`${key} kept changing under ${ATTEMPTS} attempts to note the missing scans`);
}

import { PreconditionFailedError } from '../../../shared/store/errors';
import { buildRecordKey } from '../../../shared/store/keys';
import type { ProjectRef } from '../../../shared/index/types';
import type { ObjectStore } from '../../../shared/store/types';

/** One line of a build record's `notifications`: who was mailed about what, and how it went. */
export interface NotificationEntry {
  at: string;
  eventId: string;
  eventType: string;
  recipient: string;
  status: 'sent' | 'rejected' | 'invalid-address';
  messageId?: string;
  reason?: string;
}

const ATTEMPTS = 8;

/**
 * Appends `entries` to `notifications` of `state/builds/…/<build-id>.json` when that record
 * exists (the build function writes it); compare-and-swap, so a concurrent writer's fields
 * survive. Returns false when there is no record to append to.
 * @see ../../../shared/store/readme.md
 */
export async function appendNotifications(store: ObjectStore, ref: ProjectRef, buildId: string, entries: readonly NotificationEntry[]): Promise<boolean> {
  if (entries.length === 0) return true;
  const key = buildRecordKey(ref, buildId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await store.get(key);
    if (!stored) return false;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(stored.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return false;
    }
    const known = Array.isArray(record.notifications) ? (record.notifications as NotificationEntry[]) : [];
    const fresh = entries.filter(
      (entry) => !known.some((old) => old.eventId === entry.eventId && old.recipient === entry.recipient && old.status === entry.status),
    );
    if (fresh.length === 0) return true;
    try {
      await store.put(key, `${JSON.stringify({ ...record, notifications: [...known, ...fresh] }, null, 2)}\n`, {
        contentType: 'application/json',
        ifMatch: stored.etag,
      });
      return true;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new Error(`${key} kept changing under ${ATTEMPTS} attempts to add notifications`);
}

import { CloudEvent } from 'cloudevents';
import type { ObjectStore } from '../store/types';
import { eventIdentityHash } from './keys';

/** The prefix of every journal entry. */
export const JOURNAL_PREFIX = 'state/journal/';

/** What the journal holds of one accepted delivery: the event and how far it got. */
export interface JournalEntry {
  trigger: string;
  /** The event as structured-mode JSON (every attribute and extension, and `data`). */
  event: Record<string, unknown>;
  /** Attempts that ended without the event being handled: failures, and restarts that cut one short. */
  attempts: number;
  acceptedAt: string;
}

/** An entry read back at start, with the event rebuilt. */
export interface PendingDelivery {
  key: string;
  trigger: string;
  event: CloudEvent<unknown>;
  attempts: number;
  acceptedAt: string;
}

/** `state/journal/<trigger>/<hash of source+id>.json`: one Trigger's delivery of one event. */
export function journalKey(trigger: string, source: string, id: string): string {
  return `${JOURNAL_PREFIX}${trigger}/${eventIdentityHash(source, id)}.json`;
}

/**
 * The embedded broker's write-ahead journal: a delivery is written to the object store before
 * the broker answers the publisher (before the HTTP door's 202), and removed only when it ended
 * (handled, or dead-lettered). A process killed at any moment leaves in the journal exactly the
 * deliveries that may not have ended; the next process replays them. A redelivery of the same
 * event (same source + id) while it is journalled overwrites the same entry, so the journal
 * never grows past the deliveries in flight.
 * @see https://knative.dev/docs/eventing/event-delivery/ (at least once, as the cluster's brokers)
 */
export class EventJournal {
  constructor(private readonly store: ObjectStore) {}

  /** Journals `event` for `trigger` with `attempts` attempts spent; returns its key. */
  async accept(trigger: string, event: CloudEvent<unknown>, attempts = 0, acceptedAt = new Date()): Promise<string> {
    const key = journalKey(trigger, event.source, event.id);
    const entry: JournalEntry = { trigger, event: event.toJSON() as Record<string, unknown>, attempts, acceptedAt: acceptedAt.toISOString() };
    const body = JSON.stringify(entry);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.store.put(key, body, { contentType: 'application/json' });
        return key;
      } catch (error) {
        // The fs store prunes a folder left empty by a delete; a put creating its file there at the same moment sees ENOENT.
        if ((error as { code?: string }).code !== 'ENOENT' || attempt >= 5) throw error;
      }
    }
  }

  /** Records how many attempts the delivery has spent (a retry, or a restart that cut one short). */
  async spend(trigger: string, event: CloudEvent<unknown>, attempts: number): Promise<void> {
    await this.accept(trigger, event, attempts);
  }

  /** The delivery ended: forget it. */
  async settle(trigger: string, event: CloudEvent<unknown>): Promise<void> {
    await this.store.delete(journalKey(trigger, event.source, event.id));
  }

  /**
   * Every delivery left by a process that stopped before it ended, oldest first. An entry that
   * cannot be read back (truncated by a crash mid-write, or planted) is removed and reported in
   * `unreadable`: it never reached a handler, and its publisher had no 202 for it.
   */
  async pending(): Promise<{ deliveries: PendingDelivery[]; unreadable: string[] }> {
    const { objects } = await this.store.list(JOURNAL_PREFIX);
    const deliveries: PendingDelivery[] = [];
    const unreadable: string[] = [];
    for (const { key } of objects) {
      const stored = await this.store.get(key);
      if (!stored) continue;
      const entry = parseEntry(stored.body);
      if (!entry) {
        unreadable.push(key);
        await this.store.delete(key);
        continue;
      }
      deliveries.push({ key, ...entry });
    }
    deliveries.sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
    return { deliveries, unreadable };
  }
}

function parseEntry(body: Buffer): { trigger: string; event: CloudEvent<unknown>; attempts: number; acceptedAt: string } | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<JournalEntry>;
    if (typeof value.trigger !== 'string' || typeof value.event !== 'object' || value.event === null) return null;
    const attempts = typeof value.attempts === 'number' && Number.isInteger(value.attempts) && value.attempts >= 0 ? value.attempts : 0;
    // The broker validates the event again before it is delivered; strict=false only defers that.
    const event = new CloudEvent<unknown>(value.event as never, false);
    return { trigger: value.trigger, event, attempts, acceptedAt: typeof value.acceptedAt === 'string' ? value.acceptedAt : '' };
  } catch {
    return null;
  }
}

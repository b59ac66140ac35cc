import { listDeadLetters, type DeadLetterRecord } from '../../shared/runtime/dead-letter';
import { deadLetterKey, RESENT_DEAD_LETTERS_PREFIX, resentDeadLetterKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { mapLimit, READ_CONCURRENCY, readJson } from './read-model';

/** A dead letter with the key it is stored under and when the dashboard sent it again, if it did. */
export interface DeadLetterView {
  key: string;
  record: DeadLetterRecord;
  resent?: ResentMark;
}

/** What `state/dashboard/resent/<trigger>/<id>.json` holds. */
export interface ResentMark {
  at: string;
  eventId: string;
  eventType: string;
}

/**
 * What the admin view shows of one RPM repository the tracker polls, read from
 * `state/repos/<repo-key>.json` as functions/track-repos writes it (`ccp.repo-state/v1`); the
 * dashboard reads the stored fields and never imports the tracker.
 */
export interface RepoTrackerView {
  key: string;
  name: string;
  url: string;
  /** When the last poll that worked read it; absent before the first. */
  polledAt?: string;
  revision?: string;
  packages?: number;
  lastError?: string;
  lastErrorAt?: string;
  /** The last `rpm.repo.changed` it emitted. */
  lastChangeEventId?: string;
}

/** Every dead letter, newest first, each with its store key and resent mark. */
export async function readDeadLetters(store: ObjectStore): Promise<DeadLetterView[]> {
  const [records, marks] = await Promise.all([listDeadLetters(store), store.list(RESENT_DEAD_LETTERS_PREFIX)]);
  const marked = new Set(marks.objects.map((object) => object.key));
  const views = records.map((record) => ({ key: keyOf(record), record }));
  const resent = await mapLimit(views, READ_CONCURRENCY, async ({ key }) => {
    const mark = resentDeadLetterKey(key);
    return marked.has(mark) ? readJson<ResentMark>(store, mark) : null;
  });
  return views.map((view, index) => ({ ...view, ...(resent[index] ? { resent: resent[index] } : {}) })).reverse();
}

/** The dead letter stored at `key`, or `null`. */
export async function readDeadLetter(store: ObjectStore, key: string): Promise<DeadLetterRecord | null> {
  return readJson<DeadLetterRecord>(store, key);
}

/** The key `record` is stored under: the writer's own {@link deadLetterKey}. */
export function keyOf(record: DeadLetterRecord): string {
  return deadLetterKey(record.trigger, String(record.event.source), String(record.event.id), new Date(record.time));
}

/** Every repository state the tracker stored, by key. */
export async function readRepoTracker(store: ObjectStore): Promise<RepoTrackerView[]> {
  const { objects } = await store.list('state/repos/');
  const keys = objects.map((object) => object.key).filter((key) => /^state\/repos\/[^/]+\.json$/.test(key));
  const states = await mapLimit(keys, READ_CONCURRENCY, (key) => readJson<Record<string, unknown>>(store, key));
  return states
    .filter((state): state is Record<string, unknown> => typeof state === 'object' && state !== null && typeof state.key === 'string')
    .map((state) => {
      const snapshot = (typeof state.snapshot === 'object' && state.snapshot !== null ? state.snapshot : {}) as Record<string, unknown>;
      const change = (typeof state.lastChange === 'object' && state.lastChange !== null ? state.lastChange : {}) as Record<string, unknown>;
      const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
      const view: RepoTrackerView = { key: String(state.key), name: text(state.name) ?? String(state.key), url: text(state.url) ?? '' };
      if (text(snapshot.takenAt)) view.polledAt = text(snapshot.takenAt)!;
      if (text(snapshot.revision)) view.revision = text(snapshot.revision)!;
      if (typeof snapshot.packages === 'object' && snapshot.packages !== null) view.packages = Object.keys(snapshot.packages).length;
      if (text(state.lastError)) view.lastError = text(state.lastError)!;
      if (text(state.lastErrorAt)) view.lastErrorAt = text(state.lastErrorAt)!;
      if (text(change.eventId)) view.lastChangeEventId = text(change.eventId)!;
      return view;
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

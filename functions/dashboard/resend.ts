import { CloudEvent } from 'cloudevents';
import type { Publish } from '../../shared/function/types';
import { PreconditionFailedError } from '../../shared/store/errors';
import { resentDeadLetterKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { readDeadLetter, type ResentMark } from './admin-model';
import { readJson } from './read-model';

/** What a "send again" did: published now, published before (nothing sent), or no such dead letter. */
export type ResendOutcome = { kind: 'sent'; mark: ResentMark } | { kind: 'already'; mark: ResentMark | null } | { kind: 'missing' };

/**
 * Publishes the event of the dead letter at `key` again, unchanged (same `source` and `id`, so
 * every consumer's own deduplication still holds), at most once per dead letter: the mark
 * `state/dashboard/resent/…` is created with a conditional put before publishing, so a second
 * click or a second replica finds it and sends nothing. A publish that fails removes the mark
 * again, so the admin can retry. A delivery that fails again stores a new dead letter (its own
 * time, its own key), which can be sent again in turn.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
export async function resendDeadLetter(store: ObjectStore, key: string, publish: Publish, now: Date = new Date()): Promise<ResendOutcome> {
  const markKey = resentDeadLetterKey(key);
  const record = await readDeadLetter(store, key);
  if (!record || typeof record.event !== 'object' || record.event === null) return { kind: 'missing' };
  const event = new CloudEvent<unknown>(record.event as ConstructorParameters<typeof CloudEvent<unknown>>[0], false);
  const mark: ResentMark = { at: now.toISOString(), eventId: event.id, eventType: event.type };
  try {
    await store.put(markKey, `${JSON.stringify(mark)}\n`, { contentType: 'application/json', ifNoneMatch: '*' });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    return { kind: 'already', mark: await readJson<ResentMark>(store, markKey) };
  }
  try {
    await publish(event);
  } catch (error) {
    await store.delete(markKey);
    throw error;
  }
  return { kind: 'sent', mark };
}

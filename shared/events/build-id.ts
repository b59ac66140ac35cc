import { createHash, randomBytes } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';

/**
 * The build id of a request that did not carry one: derived from the event's `source` and `id`
 * so that a redelivered request gets the same id (and so overwrites, never duplicates, its
 * reports), and prefixed with the event time so ids sort by time.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
export function deriveBuildId(event: CloudEvent<unknown>): string {
  const time = event.time ? new Date(event.time) : new Date(0);
  const stamp = (Number.isNaN(time.getTime()) ? new Date(0) : time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const hash = createHash('sha256').update(`${event.source}\n${event.id}`).digest('hex').slice(0, 10);
  return `${stamp}-${hash}`;
}

/** A new build id for a request made here: the current time, then random hex. */
export function newBuildId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(5).toString('hex')}`;
}

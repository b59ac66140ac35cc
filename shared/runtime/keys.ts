import { createHash } from 'node:crypto';

/**
 * A short stable digest of an event's identity. CloudEvents says `source` + `id` identify an
 * event, so a redelivery hashes the same.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
export function eventIdentityHash(source: string, id: string): string {
  return createHash('sha256').update(`${source}\n${id}`).digest('hex').slice(0, 32);
}

/** Dead letters are keyed by the store's layout: `deadletters/<trigger>/<time>-<hash>.json`. */
export { deadLetterKey } from '../store/keys';

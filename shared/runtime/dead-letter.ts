import type { CloudEvent } from 'cloudevents';
import { ValidationError, type Issue } from '../errors/validation-error';
import type { ObjectStore } from '../store/types';
import { deadLetterKey } from './keys';
import type { DeadLetterSink } from './types';

/**
 * What the embedded broker stores for an event it could not deliver. `knativeerrordest` and
 * `knativeerrorcode` carry what Knative adds as extensions to the events it sends to a
 * dead-letter sink, so records from the cluster and from the embedded runtime read alike.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export interface DeadLetterRecord {
  trigger: string;
  function: string;
  /** `delivery`: the function failed; `reply`: an event the function emitted was refused. */
  stage: 'delivery' | 'reply';
  event: Record<string, unknown>;
  error: { name: string; message: string; errors?: Issue[] };
  /** Attempts made; 1 when the failure is not retried. */
  attempts: number;
  /** False when retrying could not help (a ValidationError, as an HTTP 4xx reply in Knative). */
  retryable: boolean;
  time: string;
  knativeerrordest: string;
  knativeerrorcode: number;
  deadLetterSink?: DeadLetterSink;
}

/** Builds the record of a failed delivery. */
export function deadLetterRecord(input: {
  trigger: string;
  functionName: string;
  stage: DeadLetterRecord['stage'];
  event: CloudEvent<unknown>;
  error: unknown;
  attempts: number;
  time: Date;
  deadLetterSink?: DeadLetterSink;
}): DeadLetterRecord {
  const error = input.error instanceof Error ? input.error : new Error(String(input.error));
  const invalid = error instanceof ValidationError;
  return {
    trigger: input.trigger,
    function: input.functionName,
    stage: input.stage,
    // A handler may return a plain object where a CloudEvent belongs; keep whatever it was.
    event: (typeof input.event.toJSON === 'function' ? input.event.toJSON() : { ...input.event }) as Record<string, unknown>,
    error: { name: error.name, message: error.message, ...(invalid ? { errors: error.errors } : {}) },
    attempts: input.attempts,
    retryable: !invalid,
    time: input.time.toISOString(),
    knativeerrordest: `ccp-${input.functionName}`,
    knativeerrorcode: invalid ? 400 : 500,
    ...(input.deadLetterSink ? { deadLetterSink: input.deadLetterSink } : {}),
  };
}

/**
 * Stores a dead letter under `deadletters/<trigger>/…` and returns its key.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export async function storeDeadLetter(store: ObjectStore, record: DeadLetterRecord): Promise<string> {
  const key = deadLetterKey(record.trigger, String(record.event.source), String(record.event.id), new Date(record.time));
  await store.put(key, `${JSON.stringify(record, null, 2)}\n`, { contentType: 'application/json' });
  return key;
}

/** Every dead letter stored for `trigger` (all triggers when omitted), oldest first. */
export async function listDeadLetters(store: ObjectStore, trigger?: string): Promise<DeadLetterRecord[]> {
  const { objects } = await store.list(trigger ? `deadletters/${trigger}/` : 'deadletters/');
  const records: DeadLetterRecord[] = [];
  for (const object of objects) {
    const stored = await store.get(object.key);
    if (stored) records.push(JSON.parse(stored.body.toString('utf8')) as DeadLetterRecord);
  }
  return records.sort((a, b) => a.time.localeCompare(b.time));
}

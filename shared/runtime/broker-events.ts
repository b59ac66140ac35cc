import type { CloudEvent } from 'cloudevents';
import type { DeadLetterRecord } from './dead-letter';

/** What the broker tells its observers (the CLI's progress and summaries), by name. */
export interface BrokerEventMap {
  /** An event was accepted; `triggers` are the Triggers it was routed to (none is possible). */
  event: { event: CloudEvent<unknown>; triggers: string[] };
  /** A function handled the event; `emitted` went back into the broker. */
  delivered: { trigger: string; event: CloudEvent<unknown>; attempts: number; durationMs: number; emitted: CloudEvent<unknown>[] };
  /** An attempt failed and another follows after `delayMs` (before any delay scaling). */
  retry: { trigger: string; event: CloudEvent<unknown>; attempt: number; delayMs: number; error: Error };
  /** The event (or a reply the function emitted) was given up and stored under `key`. */
  'dead-letter': { trigger: string; event: CloudEvent<unknown>; record: DeadLetterRecord; key: string | null };
}

export type BrokerEventName = keyof BrokerEventMap;
export type BrokerListener<K extends BrokerEventName> = (payload: BrokerEventMap[K]) => void;

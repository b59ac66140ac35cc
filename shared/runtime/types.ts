import type { CloudEvent } from 'cloudevents';

/**
 * Where events that cannot be delivered go, as in a Knative `DeliverySpec.deadLetterSink`:
 * a reference to an addressable object or a URI. The embedded broker stores dead letters in the
 * object store whatever this says; it is kept so that the cluster and the embedded runtime read
 * the same manifests.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export interface DeadLetterSink {
  ref?: { apiVersion: string; kind: string; name: string; namespace?: string };
  uri?: string;
}

/** The delivery spec of a Broker or Trigger, with `backoffDelay` and `timeout` in milliseconds. */
export interface DeliverySpec {
  /** Retries after the first attempt; 0 means one attempt only. */
  retry: number;
  backoffPolicy: 'linear' | 'exponential';
  backoffDelayMs: number;
  /** Per-attempt time limit; none when absent. */
  timeoutMs?: number;
  deadLetterSink?: DeadLetterSink;
}

/** Decides whether a Trigger wants an event. */
export type EventMatcher = (event: CloudEvent<unknown>) => boolean;

/** One Trigger of `eventing/`, ready for routing. */
export interface TriggerRoute {
  /** `metadata.name`, e.g. `ccp-lint`. */
  name: string;
  broker: string;
  /** The manifest it came from. */
  file: string;
  /** The filter as written (`spec.filter` or `spec.filters`), for logs and `ccp` output. */
  filterSpec: unknown;
  matches: EventMatcher;
  /** The Knative Service the Trigger delivers to, and the function it runs (`ccp-` stripped). */
  subscriber: { service: string; functionName: string };
  /** The Trigger's own delivery, else its Broker's, else one attempt without dead letters. */
  delivery: DeliverySpec;
}

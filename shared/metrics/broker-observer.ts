import type { InProcessBroker } from '../runtime/in-process-broker';
import { trackQueueDepth, type CcpMetrics } from './metrics';
import { recordDeadLetter, recordHandled, recordReceived } from './observe';

/** Brokers already observed, per registry: observing twice would count everything twice. */
const observed = new WeakMap<CcpMetrics, WeakSet<InProcessBroker>>();

/**
 * Records what the embedded broker does through its observer hooks: events accepted by type,
 * each delivery's handler call (duration from acceptance, emitted events), retries and dead
 * letters as failures of the subscribed function, dead letters by Trigger, and its queue depth
 * (deliveries not yet settled) as `ccp_queue_depth{component="broker"}`. Idempotent per broker
 * and registry. Returns the function that stops observing.
 * @see https://knative.dev/docs/eventing/brokers/
 */
export function observeBroker(broker: InProcessBroker, metrics: CcpMetrics): () => void {
  const seen = observed.get(metrics) ?? new WeakSet();
  observed.set(metrics, seen);
  if (seen.has(broker)) return () => undefined;
  seen.add(broker);

  const functionOf = (trigger: string): string => broker.routes.find((route) => route.name === trigger)?.subscriber.functionName ?? trigger;
  const stops = [
    broker.on('event', ({ event }) => recordReceived(metrics, event)),
    broker.on('delivered', ({ trigger, event, durationMs, emitted }) =>
      recordHandled(metrics, { functionName: functionOf(trigger), event, outcome: 'ok', durationMs, emitted }),
    ),
    broker.on('retry', ({ trigger }) => metrics.handlerFailures.inc({ function: functionOf(trigger), reason: 'retry' })),
    broker.on('dead-letter', ({ trigger }) => {
      metrics.handlerFailures.inc({ function: functionOf(trigger), reason: 'dead-letter' });
      recordDeadLetter(metrics, trigger);
    }),
    trackQueueDepth(metrics, 'broker', () => broker.inFlight),
  ];
  return () => {
    stops.forEach((stop) => stop());
    seen.delete(broker);
  };
}

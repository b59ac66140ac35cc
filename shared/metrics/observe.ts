import type { CloudEvent } from 'cloudevents';
import { isPlainObject } from '../events/schema';
import { EventTypes } from '../events/types';
import { KNOWN_TYPES } from '../events/validate';
import type { CcpMetrics } from './metrics';
import type { FailureReason, TickName } from './names';

/** The ticks whose successful handling sets `ccp_tick_last_success_timestamp_seconds`. */
const TICKS_BY_TYPE: ReadonlyMap<string, TickName> = new Map([
  [EventTypes.tickWeekly, 'weekly'],
  [EventTypes.tickRepoPoll, 'repo-poll'],
  [EventTypes.tickOsvRefresh, 'osv-refresh'],
]);

/** One handler call as a function server or the embedded broker saw it. */
export interface HandledCall {
  functionName: string;
  /** The event handled; absent when the request held none that could be read. */
  event?: CloudEvent<unknown>;
  /** `ok`, or why not. */
  outcome: 'ok' | FailureReason;
  durationMs: number;
  emitted?: readonly CloudEvent<unknown>[];
}

/**
 * Records one handler call: its duration and outcome, a failure by reason, every emitted event
 * by type (with build and scan results read from their data), and the last success of a tick.
 * @see https://prometheus.io/docs/practices/instrumentation/#counting-requests
 */
export function recordHandled(metrics: CcpMetrics, call: HandledCall): void {
  metrics.handlerDuration.observe({ function: call.functionName, outcome: call.outcome }, call.durationMs / 1000);
  if (call.outcome !== 'ok') {
    metrics.handlerFailures.inc({ function: call.functionName, reason: call.outcome });
    return;
  }
  for (const emitted of call.emitted ?? []) recordEmitted(metrics, emitted);
  const tick = call.event ? TICKS_BY_TYPE.get(call.event.type) : undefined;
  if (tick) markTickSucceeded(tick, new Date(), metrics);
}

/**
 * Counts an accepted event by type; a type outside the contract (what the dead-letter sink
 * takes) counts as `other`, so that senders cannot grow the label without bound.
 * @see https://prometheus.io/docs/practices/naming/#labels
 */
export function recordReceived(metrics: CcpMetrics, event: CloudEvent<unknown>): void {
  metrics.eventsReceived.inc({ type: KNOWN_TYPES.includes(event.type) ? event.type : 'other' });
}

/**
 * Counts an emitted event by type; a `build.completed` or `scan.completed` also counts its
 * result and, when its data carries `timings.durationMs`, observes the duration.
 * @see https://prometheus.io/docs/concepts/metric_types/#histogram
 */
export function recordEmitted(metrics: CcpMetrics, event: CloudEvent<unknown>): void {
  metrics.eventsEmitted.inc({ type: KNOWN_TYPES.includes(event.type) ? event.type : 'other' });
  const data = isPlainObject(event.data) ? event.data : {};
  const seconds = durationSecondsOf(data);
  if (event.type === EventTypes.buildCompleted) {
    const status = data.status === 'succeeded' ? 'succeeded' : 'failed';
    metrics.buildsCompleted.inc({ status });
    if (seconds !== null) metrics.buildDuration.observe({ status }, seconds);
  } else if (event.type === EventTypes.scanCompleted) {
    const scanners = isPlainObject(data.scanners) ? Object.values(data.scanners) : [];
    const outcome = scanners.some((summary) => isPlainObject(summary) && summary.status === 'failed') ? 'failed' : 'ok';
    metrics.scansCompleted.inc({ outcome });
    if (seconds !== null) metrics.scanDuration.observe({ outcome }, seconds);
  }
}

/**
 * Counts a dead letter of `trigger`.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function recordDeadLetter(metrics: CcpMetrics, trigger: string): void {
  metrics.deadLetters.inc({ trigger });
}

/**
 * Sets the last success of a periodic job to `at`. The function server calls it for every
 * `tick.weekly` / `tick.repo-poll` handled without error; a handler that finishes such a job
 * later (after its own fan-out) may call it itself.
 * @see https://prometheus.io/docs/practices/instrumentation/#batch-jobs
 */
export function markTickSucceeded(tick: TickName, at: Date, metrics: CcpMetrics): void {
  metrics.tickLastSuccess.set({ tick }, at.getTime() / 1000);
}

function durationSecondsOf(data: Record<string, unknown>): number | null {
  const timings = isPlainObject(data.timings) ? data.timings : null;
  const ms = timings?.durationMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

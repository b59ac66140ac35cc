/**
 * The name of every metric the service exports on `/metrics`. The PrometheusRule in
 * `deploy/base/prometheusrule.yaml` may only use these (a test checks it).
 * @see https://prometheus.io/docs/practices/naming/
 */
export const METRIC_NAMES = {
  eventsReceived: 'ccp_events_received_total',
  eventsEmitted: 'ccp_events_emitted_total',
  handlerDuration: 'ccp_handler_duration_seconds',
  handlerFailures: 'ccp_handler_failures_total',
  deadLetters: 'ccp_dead_letters_total',
  buildsCompleted: 'ccp_builds_completed_total',
  buildDuration: 'ccp_build_duration_seconds',
  scansCompleted: 'ccp_scans_completed_total',
  scanDuration: 'ccp_scan_duration_seconds',
  queueDepth: 'ccp_queue_depth',
  tickLastSuccess: 'ccp_tick_last_success_timestamp_seconds',
} as const;

/** The series a histogram adds to its name: what an alert expression may name too. */
export const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** Why a handler call did not end well, the `reason` label of `ccp_handler_failures_total`. */
export type FailureReason =
  /** The request was no valid CloudEvent of the contract (HTTP 400 before the handler). */
  | 'invalid-event'
  /** The handler refused the event with a ValidationError (HTTP 400, never retried). */
  | 'refused'
  /** The handler threw (HTTP 500, the broker retries). */
  | 'error'
  /** The handler returned something that is not a list of valid events (HTTP 500). */
  | 'bad-reply'
  /** The emitted events could not be handed to `K_SINK` (HTTP 502). */
  | 'sink'
  /** Embedded broker: an attempt failed and is retried. */
  | 'retry'
  /** Embedded broker: the event was given up and dead-lettered. */
  | 'dead-letter';

/** The periodic jobs whose last success is a gauge (`tick` label). */
export type TickName = 'weekly' | 'repo-poll' | 'osv-refresh';

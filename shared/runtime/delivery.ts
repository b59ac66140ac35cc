import { ValidationError, type Issue } from '../errors/validation-error';
import { isPlainObject } from '../events/schema';
import { runInDeliveryScope } from '../host/process-guard';
import { parseIsoDuration } from './duration';
import type { DeadLetterSink, DeliverySpec } from './types';

/** What Knative does when a manifest sets no delivery: one attempt, no dead letters. */
export const NO_RETRIES: DeliverySpec = { retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 0 };

const KNOWN_FIELDS = ['retry', 'backoffPolicy', 'backoffDelay', 'deadLetterSink', 'timeout', 'retryAfterMax', 'format'];

/**
 * Reads a Knative `delivery` block. Missing fields take Knative's defaults (no retry,
 * `exponential`, no delay). Every problem is pushed into `issues` with `file` and the field path.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function parseDelivery(value: unknown, where: { file: string; field: string }, issues: Issue[]): DeliverySpec {
  const at = (field: string, message: string): void => {
    issues.push({ file: where.file, field: `${where.field}.${field}`, message });
  };
  if (!isPlainObject(value)) {
    issues.push({ file: where.file, field: where.field, message: 'must be a mapping' });
    return NO_RETRIES;
  }
  const spec: DeliverySpec = { ...NO_RETRIES };
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.includes(key)) at(key, `is not a delivery field (known: ${KNOWN_FIELDS.join(', ')})`);
  }
  if (value.retry !== undefined) {
    if (typeof value.retry === 'number' && Number.isInteger(value.retry) && value.retry >= 0) spec.retry = value.retry;
    else at('retry', 'must be a whole number, 0 or more');
  }
  if (value.backoffPolicy !== undefined) {
    if (value.backoffPolicy === 'linear' || value.backoffPolicy === 'exponential') spec.backoffPolicy = value.backoffPolicy;
    else at('backoffPolicy', 'must be "linear" or "exponential"');
  }
  const backoffDelayMs = durationField(value.backoffDelay, 'backoffDelay', at);
  if (backoffDelayMs !== undefined) spec.backoffDelayMs = backoffDelayMs;
  const timeoutMs = durationField(value.timeout, 'timeout', at);
  if (timeoutMs !== undefined) spec.timeoutMs = timeoutMs;
  if (value.deadLetterSink !== undefined) {
    const sink = parseDeadLetterSink(value.deadLetterSink, at);
    if (sink) spec.deadLetterSink = sink;
  }
  return spec;
}

/**
 * How long to wait before the retry that follows failed attempt `n` (n = 0 for the first
 * attempt), as Knative's dispatcher computes it: linear `backoffDelay × n`, exponential
 * `backoffDelay × 2^n`. So with PT1S linear waits 0 s, 1 s, 2 s…; exponential 1 s, 2 s, 4 s…
 * @see https://github.com/knative/eventing/blob/main/pkg/kncloudevents/retries.go
 */
export function backoffDelayMs(spec: DeliverySpec, n: number): number {
  return spec.backoffPolicy === 'linear' ? spec.backoffDelayMs * n : spec.backoffDelayMs * 2 ** n;
}

/** Reads a delivery spec or throws a {@link ValidationError}; for callers with one block. */
export function parseDeliveryOrThrow(value: unknown, where: { file: string; field: string }): DeliverySpec {
  const issues: Issue[] = [];
  const spec = parseDelivery(value, where, issues);
  if (issues.length > 0) throw new ValidationError('invalid delivery spec', issues);
  return spec;
}

function durationField(value: unknown, field: string, at: (field: string, message: string) => void): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    at(field, 'must be an ISO 8601 duration string such as PT1S');
    return undefined;
  }
  try {
    return parseIsoDuration(value, field);
  } catch (error) {
    at(field, (error as ValidationError).errors[0]?.message ?? String(error));
    return undefined;
  }
}

function parseDeadLetterSink(value: unknown, at: (field: string, message: string) => void): DeadLetterSink | undefined {
  if (!isPlainObject(value)) {
    at('deadLetterSink', 'must be a mapping with ref or uri');
    return undefined;
  }
  const { ref, uri } = value;
  if (ref === undefined && uri === undefined) at('deadLetterSink', 'needs ref or uri');
  if (uri !== undefined && (typeof uri !== 'string' || uri === '')) at('deadLetterSink.uri', 'must be a non-empty string');
  if (ref !== undefined) {
    if (!isPlainObject(ref)) {
      at('deadLetterSink.ref', 'must be a mapping with apiVersion, kind and name');
    } else {
      for (const key of ['apiVersion', 'kind', 'name'] as const) {
        if (typeof ref[key] !== 'string' || ref[key] === '') at(`deadLetterSink.ref.${key}`, 'must be a non-empty string');
      }
    }
  }
  return value as DeadLetterSink;
}

/**
 * The time limit of a handler call when the Trigger sets no `delivery.timeout`: Knative
 * Serving's default `max-revision-timeout-seconds` (10 min), past which the cluster's request
 * would end anyway. The function server and the in-process broker use it.
 * @see https://knative.dev/docs/serving/configuration/config-defaults/
 */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 600_000;

/** A handler call ran past its delivery's time limit; the broker retries it per the delivery spec. */
export class DeliveryTimeoutError extends Error {
  override readonly name = 'DeliveryTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms (the delivery's time limit)`);
  }
}

export interface DeliveryLimits {
  /** Time limit of the call; none when absent. */
  timeoutMs?: number;
  /** Log fields naming the delivery, for the process guard's line. */
  fields?: Record<string, unknown>;
}

/**
 * Runs one handler call as one delivery: `work` gets an AbortSignal (for the handler context's
 * `signal`) and runs in a delivery scope, so an error its callbacks leave uncaught fails this
 * call (see `installProcessGuard`) instead of the process. The call rejects with
 * {@link DeliveryTimeoutError} once `timeoutMs` has passed (Knative's `delivery.timeout` per
 * attempt), or with the uncaught error; either way the signal is aborted with that error, so
 * the work stops (an image fetch, a scanner) rather than running on for a delivery given up.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export async function runDelivery<T>(work: (signal: AbortSignal) => Promise<T>, limits: DeliveryLimits = {}): Promise<T> {
  const controller = new AbortController();
  let reject: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, fail) => {
    reject = fail;
  });
  // Once the call has settled a late failure (a stray timer of the work) has no one to tell.
  failed.catch(() => undefined);
  const fail = (error: Error): void => {
    // Rejected before the abort: work that ends as soon as it is aborted must not win the race.
    reject(error);
    if (!controller.signal.aborted) controller.abort(error);
  };
  const timer = limits.timeoutMs === undefined ? undefined : setTimeout(() => fail(new DeliveryTimeoutError(limits.timeoutMs!)), limits.timeoutMs);
  try {
    return await Promise.race([runInDeliveryScope({ fields: limits.fields ?? {}, fail }, () => work(controller.signal)), failed]);
  } finally {
    clearTimeout(timer);
  }
}

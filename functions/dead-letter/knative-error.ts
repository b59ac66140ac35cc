import { CloudEvent } from 'cloudevents';
import type { Issue } from '../../shared/errors/validation-error';
import { isPlainObject } from '../../shared/events/schema';

/** The extension attributes Knative adds to an event it sends to a dead-letter sink. */
export const KNATIVE_ERROR_EXTENSIONS = ['knativeerrordest', 'knativeerrorcode', 'knativeerrordata'] as const;

/** What Knative says about a failed delivery, read from the dead letter's extensions. */
export interface KnativeDeliveryFailure {
  /** `knativeerrordest`: the URL that failed, e.g. `http://ccp-lint.ccp.svc.cluster.local`; `""` when absent. */
  dest: string;
  /** The Knative Service behind `dest` (`ccp-lint`), or `null` when the URL names none. */
  service: string | null;
  /** `knativeerrorcode`: the HTTP status of the last attempt (500 when nothing answered); 0 when absent. */
  code: number;
  /** `knativeerrordata` decoded: the start of the failing response's body (Knative keeps at most 1024 base64 characters). */
  body: string;
  /** The refusal in the body when it is our function server's `{error, errors}` JSON, else `null`. */
  error: { message: string; errors?: Issue[] } | null;
}

/**
 * Reads Knative's dead-letter extensions. Never throws: a sink must take whatever it is sent,
 * so a missing or malformed extension gives an empty value instead.
 * @see https://knative.dev/docs/eventing/event-delivery/
 * @see https://github.com/knative/eventing/blob/main/pkg/channel/attributes/knative_error.go
 */
export function readKnativeFailure(event: CloudEvent<unknown>): KnativeDeliveryFailure {
  const attributes = event as unknown as Record<string, unknown>;
  const dest = typeof attributes.knativeerrordest === 'string' ? attributes.knativeerrordest : '';
  const code = Number(attributes.knativeerrorcode);
  const body = decodeBase64(attributes.knativeerrordata);
  return { dest, service: serviceOf(dest), code: Number.isInteger(code) && code >= 0 ? code : 0, body, error: refusalIn(body) };
}

/**
 * Whether Knative would have retried a delivery that ended with `code`: 5xx, 404, 409, 429 and
 * no answer at all. A 400 (our refusal) is dead-lettered at once, after one attempt.
 * @see https://github.com/knative/eventing/blob/main/pkg/kncloudevents/retries.go
 */
export function isRetryableStatus(code: number): boolean {
  return code === 0 || code >= 500 || code === 404 || code === 409 || code === 429;
}

/** The event as it was before Knative added its dead-letter extensions. */
export function withoutKnativeExtensions(event: CloudEvent<unknown>): CloudEvent<unknown> {
  const attributes: Record<string, unknown> = event.toJSON();
  for (const name of KNATIVE_ERROR_EXTENSIONS) delete attributes[name];
  // Not strict: the sink has accepted the event as it came, valid or not.
  return new CloudEvent(attributes, false);
}

function decodeBase64(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  // Knative truncates the base64 text; whole 4-character groups still decode.
  const whole = value.slice(0, value.length - (value.length % 4));
  return Buffer.from(whole, 'base64').toString('utf8');
}

/** `http://ccp-lint.ns.svc.cluster.local/` → `ccp-lint`; `null` when it is no DNS label. */
function serviceOf(dest: string): string | null {
  if (!URL.canParse(dest)) return null;
  const label = new URL(dest).hostname.split('.')[0] ?? '';
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(label) ? label : null;
}

/** The `{error, errors}` body our function server answers a refused event with, else `null`. */
function refusalIn(body: string): KnativeDeliveryFailure['error'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isPlainObject(parsed) || typeof parsed.error !== 'string') return null;
  const errors = Array.isArray(parsed.errors)
    ? parsed.errors.filter((issue): issue is Issue => isPlainObject(issue) && typeof issue.field === 'string' && typeof issue.message === 'string')
    : undefined;
  return { message: parsed.error, ...(errors ? { errors: errors.map(({ field, message }) => ({ field, message })) } : {}) };
}

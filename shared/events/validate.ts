import type { CloudEvent } from 'cloudevents';
import { ValidationError, type Issue } from '../errors/validation-error';
import { checkData } from './contracts/check';
import { EventTypes, ForeignEventTypes, type CcpEventType, type EventDataMap } from './types';

export { MAX_MESSAGE_CHARS, MAX_REASON_CHARS, MAX_REF_CHARS } from './contracts/limits';

/** Largest event data, serialized: the HTTP doors' body limit (1 MiB), for events emitted in-process too. */
export const MAX_EVENT_DATA_BYTES = 1024 * 1024;

/** Foreign types are accepted with any object payload; their handlers read what they need. */
const FOREIGN_TYPES: readonly string[] = Object.values(ForeignEventTypes);

/** Every type the service accepts. */
export const KNOWN_TYPES: readonly string[] = [...Object.values(EventTypes), ...FOREIGN_TYPES];

/** The service's own types: each has a contract (contracts/) and its published schema. */
const OWN_TYPES: ReadonlySet<string> = new Set(Object.values(EventTypes));

/** True when `event` is of `type`, with the data type narrowed; does not validate the data. */
export function isEventOfType<T extends keyof EventDataMap>(event: CloudEvent<unknown>, type: T): event is CloudEvent<EventDataMap[T]> {
  return event.type === type;
}

/**
 * Checks an incoming event against the contract: known type, required attributes, the data
 * shape its contract (contracts/<type>.ts, published as eventing/schemas/<type>.json) declares,
 * and bounds: data of at most {@link MAX_EVENT_DATA_BYTES} serialized (what
 * the HTTP doors take, so an event a handler emits in-process is held to it too), messages and
 * cause messages of at most {@link MAX_MESSAGE_CHARS} characters, reasons of at
 * most {@link MAX_REASON_CHARS}, image references and digests of at
 * most {@link MAX_REF_CHARS}. Throws a {@link ValidationError} with every problem, each naming
 * its field (HTTP 400 at the edge).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function validateEvent(event: CloudEvent<unknown>): void {
  const issues: Issue[] = [];
  for (const attribute of ['id', 'source', 'type', 'specversion'] as const) {
    const value = event[attribute];
    if (typeof value !== 'string' || value === '') issues.push({ field: attribute, message: 'is required' });
  }
  const size = dataBytes(event.data);
  if (size > MAX_EVENT_DATA_BYTES) {
    // Checked first and alone: the shape of a megabyte of attacker data is not worth listing.
    issues.push({ field: 'data', message: `is ${size} bytes, over the ${MAX_EVENT_DATA_BYTES}-byte bound of an event` });
  } else if (OWN_TYPES.has(event.type)) {
    checkData(event.type, parseData(event.data), 'data', issues);
  } else if (!FOREIGN_TYPES.includes(event.type)) {
    issues.push({ field: 'type', message: `unknown event type "${event.type}"` });
  }
  if (issues.length > 0) throw new ValidationError(`invalid ${event.type || 'event'} event ${event.id ?? ''}`.trim(), issues);
}

/**
 * The data of `event`, typed as the contract of `type` declares it, after checking that the
 * event is of that type and its data keeps the contract (JSON strings and buffers are parsed).
 * Throws a {@link ValidationError} naming each wrong field otherwise, so a handler never works
 * on data it only assumes the shape of.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#event-data
 */
export function dataOf<T extends CcpEventType>(event: CloudEvent<unknown>, type: T): EventDataMap[T] {
  const issues: Issue[] = [];
  const data = parseData(event.data);
  if (event.type !== type) issues.push({ field: 'type', message: `is "${event.type}", not "${type}"` });
  else checkData(type, data, 'data', issues);
  if (issues.length > 0) throw new ValidationError(`invalid ${event.type || 'event'} event ${event.id ?? ''}`.trim(), issues);
  return data as EventDataMap[T];
}

/** The size of the data as it travels (UTF-8 JSON, or the bytes of a string or Buffer). */
function dataBytes(data: unknown): number {
  if (data === undefined || data === null) return 0;
  if (Buffer.isBuffer(data)) return data.length;
  if (typeof data === 'string') return Buffer.byteLength(data);
  try {
    return Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    return 0;
  }
}

/** Event data as an object: structured-mode JSON arrives parsed, some transports leave a string. */
export function parseData(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      return data;
    }
  }
  if (Buffer.isBuffer(data)) return parseData(data.toString('utf8'));
  return data;
}

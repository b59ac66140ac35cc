import type { IncomingHttpHeaders } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { ValidationError, type Issue } from '../errors/validation-error';
import { isPlainObject } from '../events/schema';
import { validateEvent } from '../events/validate';

const REQUIRED = ['id', 'source', 'type', 'specversion'] as const;

/**
 * Reads one CloudEvent from an HTTP request in binary or structured content mode and checks it
 * against the service's contract. Anything else (no event, a batch, bad JSON, a missing
 * required attribute, an unknown type, data of the wrong shape) is a {@link ValidationError}
 * whose issues name the attribute or `body`: the caller answers HTTP 400. With
 * `{contract: false}` (a sink) any well-formed CloudEvent is returned, whatever its type or data.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
export function readEvent(headers: IncomingHttpHeaders, body: Buffer, options: { contract?: boolean } = {}): CloudEvent<unknown> {
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (contentType.startsWith('application/cloudevents-batch')) {
    throw invalid([{ field: 'content-type', message: 'batched events are not accepted; send one event per request' }]);
  }
  // The SDK fills in a missing id and defaults the spec version, so check the wire form first.
  if (contentType.startsWith('application/cloudevents')) checkStructured(text);
  else if (headers['ce-id'] !== undefined) checkBinary(headers);
  else throw invalid([{ field: 'headers', message: 'not a CloudEvent: no ce-id header and not application/cloudevents+json' }]);

  let event: CloudEvent<unknown>;
  try {
    const parsed = HTTP.toEvent({ headers, body: text });
    if (Array.isArray(parsed)) throw new Error('a batch of events');
    event = parsed as CloudEvent<unknown>;
  } catch (error) {
    throw invalid([{ field: 'body', message: `cannot be read as a CloudEvent: ${(error as Error).message}` }]);
  }
  if (options.contract !== false) validateEvent(event);
  return event;
}

function checkStructured(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid([{ field: 'body', message: `is not JSON: ${(error as Error).message}` }]);
  }
  if (!isPlainObject(parsed)) throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
  checkAttributes((name) => parsed[name]);
}

function checkBinary(headers: IncomingHttpHeaders): void {
  checkAttributes((name) => headers[`ce-${name}`]);
}

function checkAttributes(valueOf: (name: string) => unknown): void {
  const issues: Issue[] = [];
  for (const name of REQUIRED) {
    const value = valueOf(name);
    if (typeof value !== 'string' || value.trim() === '') issues.push({ field: name, message: 'is required' });
  }
  const version = valueOf('specversion');
  if (typeof version === 'string' && version !== '' && version !== '1.0') {
    issues.push({ field: 'specversion', message: `must be 1.0, not ${version}` });
  }
  if (issues.length > 0) throw invalid(issues);
}

function invalid(issues: Issue[]): ValidationError {
  return new ValidationError('invalid CloudEvent', issues);
}

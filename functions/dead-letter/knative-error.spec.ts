import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudEvent } from 'cloudevents';
import { isRetryableStatus, readKnativeFailure, withoutKnativeExtensions } from './knative-error';

const recorded = JSON.parse(readFileSync(path.join(__dirname, '__fixtures__', 'knative-dead-letter.json'), 'utf8')) as Record<string, unknown>;

function deadLetter(extensions: Record<string, unknown>): CloudEvent<unknown> {
  return new CloudEvent({ specversion: '1.0', id: 'e-1', source: '/test', type: 'com.example.any', ...extensions }, false);
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('readKnativeFailure', () => {
  it('reads a dead letter recorded from a Knative broker', () => {
    expect(readKnativeFailure(new CloudEvent(recorded, false))).toEqual({
      dest: 'http://fail.default.svc.cluster.local',
      service: 'fail',
      code: 500,
      body: 'dispatch error: Post "http://fail.default.svc.cluster.local": dial tcp: lookup fail.default.svc.cluster.local on 10.96.0.10:53: no such host',
      error: null,
    });
  });

  it('reads the {error, errors} refusal of our function server', () => {
    const body = JSON.stringify({ error: 'invalid event', errors: [{ field: 'data.project', message: 'is required', extra: 1 }, { bad: true }] });
    const failure = readKnativeFailure(
      deadLetter({ knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local/', knativeerrorcode: 400, knativeerrordata: base64(body) }),
    );
    expect(failure).toEqual({
      dest: 'http://ccp-lint.ccp.svc.cluster.local/',
      service: 'ccp-lint',
      code: 400,
      body,
      error: { message: 'invalid event', errors: [{ field: 'data.project', message: 'is required' }] },
    });
  });

  it.each([
    ['no extensions at all', {}, { dest: '', service: null, code: 0, body: '', error: null }],
    ['a code that is no number', { knativeerrorcode: 'five hundred' }, { dest: '', service: null, code: 0, body: '', error: null }],
    ['a destination that is no URL', { knativeerrordest: 'not a url' }, { dest: 'not a url', service: null, code: 0, body: '', error: null }],
    ['an empty destination', { knativeerrordest: '', knativeerrorcode: '502' }, { dest: '', service: null, code: 502, body: '', error: null }],
    [
      'a 500 answer without errors[]',
      { knativeerrorcode: '500', knativeerrordata: base64('{"error":"boom"}') },
      { dest: '', service: null, code: 500, body: '{"error":"boom"}', error: { message: 'boom' } },
    ],
  ])('copes with %s', (_case, extensions, expected) => {
    expect(readKnativeFailure(deadLetter(extensions))).toEqual(expected);
  });

  it('decodes the whole groups of base64 that Knative cut at 1024 characters', () => {
    const body = `{"error":"${'x'.repeat(2000)}"}`;
    const cut = base64(body).slice(0, 1023);
    const failure = readKnativeFailure(deadLetter({ knativeerrorcode: '500', knativeerrordata: cut }));
    expect(failure.body).toBe(body.slice(0, 765));
    expect(failure.error).toBeNull();
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [0, true],
    [500, true],
    [503, true],
    [404, true],
    [409, true],
    [429, true],
    [400, false],
    [413, false],
    [401, false],
  ])('status %d retryable: %s', (code, expected) => {
    expect(isRetryableStatus(code)).toBe(expected);
  });
});

describe('withoutKnativeExtensions', () => {
  it('keeps every attribute and the data but the three error extensions', () => {
    const original = withoutKnativeExtensions(new CloudEvent(recorded, false));
    const json = original.toJSON();
    expect(Object.keys(json).filter((name) => name.startsWith('knativeerror'))).toEqual([]);
    expect([json.id, json.source, json.type, json.data, json.knativebrokerttl]).toEqual([recorded.id, recorded.source, recorded.type, 'Hello World!', '255']);
  });
});

import { HTTP, type CloudEvent } from 'cloudevents';
import { buildRequested, recordingFunction, relayFunction, scanRequested, testContext, type RecordingFunction } from '../support/test-functions';
import { EventTypes } from '../../shared/events/types';
import { startFunctionServer } from '../../shared/host/function-server';
import { type RunningServer } from '../../shared/host/listen';
import { createLogger } from '../../shared/log/logger';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(definition: RecordingFunction, options: { sink?: string; logLines?: string[] } = {}): Promise<string> {
  const context = testContext(new TempObjectStore());
  if (options.logLines) context.log = createLogger({ write: (line) => options.logLines!.push(line) });
  const server = await startFunctionServer(definition, context, { port: 0, host: '127.0.0.1', sink: options.sink });
  servers.push(server);
  return server.url;
}

function post(url: string, message: { headers: Record<string, unknown>; body: unknown }): Promise<Response> {
  return fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
}

describe('function server (integration, 127.0.0.1)', () => {
  it.each([
    ['binary', HTTP.binary],
    ['structured', HTTP.structured],
  ])('takes a %s-mode event and replies with the emitted event in binary mode', async (_mode, encode) => {
    const relay = relayFunction();
    const url = await serve(relay);
    const response = await post(url, encode(buildRequested('e-1')));
    expect(response.status).toBe(200);
    const reply = HTTP.toEvent({ headers: Object.fromEntries(response.headers), body: await response.text() }) as CloudEvent<unknown>;
    expect([reply.id, reply.type, reply.source]).toEqual(['e-1-scan', EventTypes.scanRequested, '/ccp/relay']);
    expect(response.headers.get('ce-id')).toBe('e-1-scan');
    expect(relay.received.map((event) => event.id)).toEqual(['e-1']);
  });

  it('answers 202 without a body when the function emits nothing', async () => {
    const url = await serve(recordingFunction('quiet', [EventTypes.scanRequested]));
    const response = await post(url, HTTP.binary(scanRequested('s-1')));
    expect([response.status, await response.text()]).toEqual([202, '']);
  });

  it.each([
    [
      'missing id',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', source: '/t', type: EventTypes.buildRequested }),
      'id',
    ],
    ['unknown type', { 'ce-id': '1', 'ce-source': '/t', 'ce-type': 'com.example.unknown', 'ce-specversion': '1.0' }, '', 'type'],
    [
      'bad data',
      { 'ce-id': '1', 'ce-source': '/t', 'ce-type': EventTypes.buildRequested, 'ce-specversion': '1.0', 'content-type': 'application/json' },
      '{"project": 1}',
      'data.project',
    ],
    ['non-JSON body', { 'content-type': 'application/cloudevents+json' }, 'not json at all', 'body'],
    ['no event', { 'content-type': 'text/plain' }, 'hello', 'headers'],
  ])('refuses %s with 400 {error, errors} and does not call the handler', async (_case, headers, body, field) => {
    const relay = relayFunction();
    const url = await serve(relay);
    const response = await fetch(url, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string; errors: Array<{ field: string; message: string }> };
    expect(json.error).toEqual(expect.any(String));
    expect(json.errors.map((issue) => issue.field)).toContain(field);
    expect(relay.received).toEqual([]);
  });

  it('answers 400 when the handler throws a ValidationError and 500 for other errors', async () => {
    const refusing = await serve(recordingFunction('picky', [], { refuse: true }));
    const failing = await serve(recordingFunction('flaky', [], { failTimes: 1 }));
    const refused = await post(refusing, HTTP.binary(buildRequested('e-1')));
    expect([refused.status, await refused.json()]).toEqual([400, { error: expect.any(String), errors: [{ field: 'data.project', message: 'not wanted' }] }]);
    const failed = await post(failing, HTTP.binary(buildRequested('e-1')));
    expect([failed.status, await failed.json()]).toEqual([500, { error: 'planned failure, 0 left' }]);
    const retried = await post(failing, HTTP.binary(buildRequested('e-1')));
    expect(retried.status).toBe(202);
  });

  it('answers 500 when the function emits an invalid event', async () => {
    const url = await serve(recordingFunction('broken', [], { emit: () => [scanRequested('x').cloneWith({ type: 'org.centos.ccp.nope' })] }));
    const response = await post(url, HTTP.binary(buildRequested('e-1')));
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toContain('unknown event type');
  });

  it('answers 413 for a body over 1 MB, without calling the handler', async () => {
    const relay = relayFunction();
    const url = await serve(relay);
    const message = HTTP.binary(buildRequested('e-1'));
    const response = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: 'x'.repeat(1024 * 1024 + 10) });
    expect([response.status, await response.json()]).toEqual([413, { error: 'request body is larger than the limit' }]);
    expect(relay.received).toEqual([]);
  });

  it('serves /health/liveness and /health/readiness', async () => {
    const url = await serve(relayFunction());
    for (const path of ['/health/liveness', '/health/readiness']) {
      const response = await fetch(`${url}${path}`);
      expect([response.status, await response.json()]).toEqual([200, { status: 'ok', function: 'relay' }]);
    }
  });

  it('with K_SINK, POSTs every emitted event to the sink in binary mode and answers 202', async () => {
    const scanner = recordingFunction('scanner', [EventTypes.scanRequested]);
    const sink = await serve(scanner);
    const twice = recordingFunction('twice', [], { emit: (event) => [scanRequested(`${event.id}-a`), scanRequested(`${event.id}-b`)] });
    const url = await serve(twice, { sink });
    const response = await post(url, HTTP.structured(buildRequested('e-1')));
    expect([response.status, await response.text()]).toEqual([202, '']);
    expect(scanner.received.map((event) => [event.id, event.type])).toEqual([
      ['e-1-a', EventTypes.scanRequested],
      ['e-1-b', EventTypes.scanRequested],
    ]);
  });

  it('answers 502 when the sink refuses an emitted event, so the broker redelivers', async () => {
    const sink = await serve(recordingFunction('picky', [], { refuse: true }));
    const url = await serve(relayFunction(), { sink });
    const response = await post(url, HTTP.binary(buildRequested('e-1')));
    expect(response.status).toBe(502);
  });

  it('logs one JSON line per event with id, type, subject, status and duration', async () => {
    const lines: string[] = [];
    const url = await serve(relayFunction(), { logLines: lines });
    await post(url, HTTP.binary(buildRequested('e-1')));
    await fetch(url, { method: 'POST', headers: { 'ce-id': 'bad', 'ce-source': '/t', 'ce-type': 'x.y', 'ce-specversion': '1.0' } });
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'event');
    expect(events).toEqual([
      expect.objectContaining({ eventId: 'e-1', eventType: EventTypes.buildRequested, subject: 'app/job:latest', status: 200, durationMs: expect.any(Number) }),
      expect.objectContaining({ eventId: 'bad', eventType: 'x.y', status: 400, durationMs: expect.any(Number) }),
    ]);
  });
});

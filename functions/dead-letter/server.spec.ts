import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { startFunctionServer } from '../../shared/host/function-server';
import { type RunningServer } from '../../shared/host/listen';
import { listDeadLetters } from '../../shared/runtime/dead-letter';
import { FsObjectStore } from '../../shared/store/fs-store';
import { buildRequested, recordingFunction, testContext } from '../../test/support/test-functions';
import type { FunctionContext, FunctionDefinition } from '../../shared/function/types';
import { deadLetterFunction } from '.';

/** The dead-letter Service behind the real function server, as Knative reaches it. */
describe('ccp-dead-letter over HTTP (127.0.0.1)', () => {
  let dir: string;
  let context: FunctionContext;
  const servers: RunningServer[] = [];

  async function serve(definition: FunctionDefinition): Promise<string> {
    const server = await startFunctionServer(definition, context, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    return server.url;
  }
  const post = (url: string, message: { headers: Record<string, unknown>; body: unknown }): Promise<Response> =>
    fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-dead-letter-http-'));
    context = testContext(new FsObjectStore(dir), dir);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('stores what a subscriber refused, with the refusal Knative forwarded', async () => {
    // The subscriber's own answer, as Knative's dispatcher reads it before dead-lettering.
    const refused = await post(await serve(recordingFunction('lint', [], { refuse: true })), HTTP.binary(buildRequested('b-1')));
    const body = await refused.text();
    expect(refused.status).toBe(400);

    const deadLetter = new CloudEvent({
      ...buildRequested('b-1').toJSON(),
      knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local',
      knativeerrorcode: refused.status,
      knativeerrordata: Buffer.from(body).toString('base64').slice(0, 1024),
    });
    const response = await post(await serve(deadLetterFunction), HTTP.binary(deadLetter));
    expect([response.status, await response.text()]).toEqual([202, '']);

    const records = await listDeadLetters(context.store, 'ccp-lint');
    expect(records.map((record) => [record.event.id, record.retryable, record.attempts, record.error])).toEqual([
      [
        'b-1',
        false,
        1,
        {
          name: 'ValidationError',
          message: expect.stringContaining('refused by the test function'),
          errors: [{ field: 'data.project', message: 'not wanted' }],
        },
      ],
    ]);
  });

  it.each([
    ['a type outside the contract', { type: 'com.example.unknown' }],
    ['data that breaks its type', { data: { project: 42 } }],
  ])('accepts %s (structured mode), which other functions refuse', async (_case, override) => {
    const event = new CloudEvent({ ...buildRequested('b-2').toJSON(), ...override, knativeerrorcode: '400' }, false);
    const subscriber = await post(await serve(recordingFunction('lint', [])), HTTP.structured(event));
    expect(subscriber.status).toBe(400);
    const sink = await post(await serve(deadLetterFunction), HTTP.structured(event));
    expect(sink.status).toBe(202);
    expect((await listDeadLetters(context.store)).map((record) => record.event.id)).toEqual(['b-2']);
  });

  it('still refuses what is no CloudEvent at all', async () => {
    const response = await fetch(await serve(deadLetterFunction), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(response.status).toBe(400);
    expect(await listDeadLetters(context.store)).toEqual([]);
  });
});

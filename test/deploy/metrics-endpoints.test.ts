import { HTTP } from 'cloudevents';
import { buildRequested, recordingFunction, relayFunction, testContext } from '../support/test-functions';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { createBrokerIngress } from '../../shared/host/broker-ingress';
import { listen, type RunningServer } from '../../shared/host/listen';
import { startFunctionServer } from '../../shared/host/function-server';
import { createLogger } from '../../shared/log/logger';
import { createMetrics, type CcpMetrics } from '../../shared/metrics/metrics';
import { METRIC_NAMES } from '../../shared/metrics/names';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { type TriggerRoute } from '../../shared/runtime/types';
import { compileAttributesFilter } from '../../shared/runtime/filters/api';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function scrape(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${url}/metrics`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The sample lines of `text` whose name is `name` (no HELP/TYPE comments). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

function postBinary(url: string, event: ReturnType<typeof buildRequested>): Promise<Response> {
  const message = HTTP.binary(event);
  return fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
}

describe('GET /metrics on a function server (127.0.0.1)', () => {
  async function serve(metrics: CcpMetrics, definition = relayFunction(), logLines?: string[]): Promise<string> {
    const context = testContext(new TempObjectStore());
    if (logLines) context.log = createLogger({ write: (line) => logLines.push(line) });
    const server = await startFunctionServer(definition, context, { port: 0, host: '127.0.0.1', metrics });
    servers.push(server);
    return server.url;
  }

  it('serves the Prometheus text format with events in and out, handler durations and failures', async () => {
    const metrics = createMetrics();
    const url = await serve(metrics);
    expect((await postBinary(url, buildRequested('e-1'))).status).toBe(200);
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not an event' });
    expect(refused.status).toBe(400);

    const { status, type, text } = await scrape(url);
    expect({ status, type }).toEqual({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8' });
    expect({
      received: samples(text, METRIC_NAMES.eventsReceived),
      emitted: samples(text, METRIC_NAMES.eventsEmitted),
      failures: samples(text, METRIC_NAMES.handlerFailures),
      count: samples(text, `${METRIC_NAMES.handlerDuration}_count`),
      depth: samples(text, METRIC_NAMES.queueDepth),
    }).toEqual({
      received: [`${METRIC_NAMES.eventsReceived}{type="${EventTypes.buildRequested}"} 1`],
      emitted: [`${METRIC_NAMES.eventsEmitted}{type="${EventTypes.scanRequested}"} 1`],
      failures: [`${METRIC_NAMES.handlerFailures}{function="relay",reason="invalid-event"} 1`],
      count: [
        `${METRIC_NAMES.handlerDuration}_count{function="relay",outcome="ok"} 1`,
        `${METRIC_NAMES.handlerDuration}_count{function="relay",outcome="invalid-event"} 1`,
      ],
      depth: [`${METRIC_NAMES.queueDepth}{component="relay"} 0`],
    });
  });

  it.each([
    ['error', { failTimes: 1 }, 500],
    ['refused', { refuse: true }, 400],
  ])('counts a handler that ends with %s', async (reason, behaviour, status) => {
    const metrics = createMetrics();
    const url = await serve(metrics, recordingFunction('flaky', [EventTypes.buildRequested], behaviour));
    expect((await postBinary(url, buildRequested('e-2'))).status).toBe(status);
    expect(samples((await scrape(url)).text, METRIC_NAMES.handlerFailures)).toEqual([`${METRIC_NAMES.handlerFailures}{function="flaky",reason="${reason}"} 1`]);
  });

  it('counts what a sink takes as a dead letter of the Service in knativeerrordest', async () => {
    const metrics = createMetrics();
    const sink = { ...recordingFunction('dead-letter', []), sink: true };
    const url = await serve(metrics, sink);
    const dead = buildRequested('e-3').cloneWith({ knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '500' });
    expect((await postBinary(url, dead)).status).toBe(202);
    expect(samples((await scrape(url)).text, METRIC_NAMES.deadLetters)).toEqual([`${METRIC_NAMES.deadLetters}{trigger="ccp-lint"} 1`]);
  });

  it('logs the event id, project and build id of each event', async () => {
    const lines: string[] = [];
    const url = await serve(createMetrics(), relayFunction(), lines);
    const event = makeEvent(
      EventTypes.buildRequested,
      { project: { appId: 'app', jobId: 'job', desiredTag: 'latest' }, buildId: '20261128T045006Z-2c2287bb59', cause: { kind: 'manual', message: 'test' } },
      { source: '/test', id: 'e-4' },
    );
    expect((await postBinary(url, event)).status).toBe(200);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'event');
    expect(logged).toEqual(
      expect.objectContaining({
        eventId: 'e-4',
        eventType: EventTypes.buildRequested,
        project: 'app/job:latest',
        buildId: '20261128T045006Z-2c2287bb59',
        status: 200,
      }),
    );
  });
});

describe('GET /metrics on the embedded broker ingress (127.0.0.1)', () => {
  it('counts the events the broker accepts and delivers', async () => {
    const type = EventTypes.buildRequested;
    const route: TriggerRoute = {
      name: 'ccp-relay',
      broker: 'ccp',
      file: 'test',
      filterSpec: { attributes: { type } },
      matches: compileAttributesFilter({ type }, 'test', 'spec.filter.attributes', []),
      subscriber: { service: 'ccp-relay', functionName: 'relay' },
      delivery: { retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 0 },
    };
    const store = new TempObjectStore();
    const broker = new InProcessBroker({ routes: [route], functions: [relayFunction()], context: testContext(store), store });
    const metrics = createMetrics();
    const server = await listen(createBrokerIngress(broker, { metrics }), { port: 0 });
    servers.push(server);
    expect((await postBinary(server.url, buildRequested('e-5'))).status).toBe(202);
    await broker.idle();
    const { status, text } = await scrape(server.url);
    expect({
      status,
      received: samples(text, METRIC_NAMES.eventsReceived),
      delivered: samples(text, `${METRIC_NAMES.handlerDuration}_count`),
      depth: samples(text, METRIC_NAMES.queueDepth),
    }).toEqual({
      status: 200,
      received: [
        `${METRIC_NAMES.eventsReceived}{type="${EventTypes.buildRequested}"} 1`,
        `${METRIC_NAMES.eventsReceived}{type="${EventTypes.scanRequested}"} 1`,
      ],
      delivered: [`${METRIC_NAMES.handlerDuration}_count{function="relay",outcome="ok"} 1`],
      depth: [`${METRIC_NAMES.queueDepth}{component="broker"} 0`],
    });
  });
});

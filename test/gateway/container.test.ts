import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { recordingFunction, testContext, type RecordingFunction } from '../support/test-functions';
import { gatewayFunction } from '../../functions/gateway';
import { start, type ServingFunction } from '../../functions/main';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { createBrokerIngress } from '../../shared/host/broker-ingress';
import { createFunctionServer } from '../../shared/host/function-server';
import { listen, type RunningServer } from '../../shared/host/listen';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { githubHeaders, githubPush, post } from './harness';
import { DEFAULT_TIMESTAMP_TOLERANCE } from '../../shared/webhooks/settings';

const EVENTING = path.join(__dirname, '__fixtures__', 'eventing');
const SECRET = 'cluster-webhook-secret-0d7';

/** The Broker as the gateway's K_SINK sees it: a real ingress over an in-process broker with a recorder. */
async function startSink(): Promise<{ server: RunningServer; broker: InProcessBroker; recorder: RecordingFunction }> {
  const store = new TempObjectStore();
  const recorder = recordingFunction('recorder', [EventTypes.gitPush, EventTypes.tickWeekly, EventTypes.tickRepoPoll]);
  const broker = new InProcessBroker({ routes: await loadTriggers(EVENTING), functions: [recorder], context: testContext(store), store });
  const server = await listen(createBrokerIngress(broker));
  return { server, broker, recorder };
}

function ping(tick: string): { headers: Record<string, string>; body: string } {
  const event = new CloudEvent({
    id: 'ping-1',
    source: '/apis/v1/namespaces/ccp/pingsources/ccp-repo-poll',
    type: ForeignEventTypes.ping,
    time: '2026-11-28T10:00:00.000Z',
    datacontenttype: 'application/json',
    data: { tick },
  });
  const message = HTTP.binary(event);
  return { headers: message.headers as Record<string, string>, body: message.body as string };
}

describe('the gateway as a Knative Service (FUNCTION=gateway, K_SINK = the Broker)', () => {
  let dir: string;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let gateway: ServingFunction;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-gateway-'));
    sink = await startSink();
    gateway = await start(
      { FUNCTION: 'gateway', HOST: '127.0.0.1', PORT: '0', CCP_DATA_DIR: path.join(dir, 'data'), CCP_WEBHOOK_SECRET: SECRET, K_SINK: sink.server.url },
      { write: () => undefined },
    );
  });
  afterEach(async () => {
    await gateway.close();
    await sink.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a GitHub push on /webhooks/github (CCP_WEBHOOK_SECRET) and posts git.push to the sink', async () => {
    const body = githubPush();
    const sent = await post(`${gateway.url}/webhooks/github`, body, githubHeaders(body, SECRET, 'push', 'cluster-1'));
    await sink.broker.idle();
    expect([sent.status, sink.recorder.received.map((event) => [event.type, event.id, (event.data as { branch: string }).branch])]).toEqual([
      202,
      [[EventTypes.gitPush, 'cluster-1', 'master']],
    ]);
  });

  it('turns a ping its Trigger delivers on POST / into tick.repo-poll at the sink', async () => {
    const { headers, body } = ping('repo-poll');
    const response = await fetch(gateway.url, { method: 'POST', headers, body });
    await sink.broker.idle();
    expect([response.status, sink.recorder.received.map((event) => [event.type, event.id])]).toEqual([
      202,
      [[EventTypes.tickRepoPoll, 'repo-poll/2026-11-28T10:00:00.000Z']],
    ]);
  });

  it('still answers health probes and refuses an unknown ping with 400', async () => {
    const { headers, body } = ping('daily');
    const [health, refused] = await Promise.all([fetch(`${gateway.url}/health/readiness`), fetch(gateway.url, { method: 'POST', headers, body })]);
    expect([health.status, refused.status]).toEqual([200, 400]);
  });
});

describe('the gateway served without K_SINK', () => {
  it('answers 503 to a good push, since it has nowhere to publish', async () => {
    const context = testContext(new TempObjectStore());
    context.config.webhooks = { secret: SECRET, secrets: new Map(), bodyLimit: 1024 * 1024, timestampTolerance: DEFAULT_TIMESTAMP_TOLERANCE };
    const server = await listen(createFunctionServer(gatewayFunction, context));
    try {
      const body = githubPush();
      const sent = await post(`${server.url}/webhooks/github`, body, githubHeaders(body, SECRET));
      expect([sent.status, sent.body.error]).toEqual([
        503,
        'could not publish the git.push event: no K_SINK is set, so this function cannot publish events: bind it to the Broker with a SinkBinding',
      ]);
    } finally {
      await server.close();
    }
  });
});

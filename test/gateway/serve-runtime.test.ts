import path from 'node:path';
import { HTTP } from 'cloudevents';
import { serveRuntime } from '../../cli/serve-runtime';
import { buildRequested, recordingFunction, testContext } from '../support/test-functions';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { silentLogger } from '../../shared/log/logger';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { GLOBAL_SECRET, githubHeaders, githubPush, post, settings } from './harness';
import { ingressAuthorization } from '../../shared/host/ingress-token';

const INGRESS_TOKEN = 'serve-runtime-ingress-token-0123';

describe('the embedded runtime door (ccp run / ccp serve) with webhooks', () => {
  it('takes /webhooks/github into the broker and still takes CloudEvents on POST /', async () => {
    const store = new TempObjectStore();
    const recorder = recordingFunction('recorder', [EventTypes.gitPush]);
    const broker = new InProcessBroker({
      routes: await loadTriggers(path.join(__dirname, '__fixtures__', 'eventing')),
      functions: [recorder],
      context: testContext(store),
      store,
    });
    const context = testContext(store);
    context.config.webhooks = settings();
    const server = await serveRuntime({ broker, context }, { port: 0, log: silentLogger, ingressToken: INGRESS_TOKEN });
    try {
      const body = githubPush();
      const webhook = await post(`${server.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET, 'push', 'embedded-1'));
      const message = HTTP.binary(buildRequested('req-1'));
      const cloudEvent = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(INGRESS_TOKEN) },
        body: message.body as string,
      });
      const unknown = await post(`${server.url}/webhooks/gitea`, '{}', { 'content-type': 'application/json' });
      const forged = HTTP.binary(
        makeEvent(
          EventTypes.gitPush,
          { repoUrl: 'https://github.com/heketi/heketi.git', branch: 'master', commit: 'f'.repeat(40) },
          { source: '/attacker', id: 'forged-1' },
        ),
      );
      const withoutToken = await fetch(`${server.url}/`, { method: 'POST', headers: forged.headers as Record<string, string>, body: forged.body as string });
      await broker.idle();
      expect([webhook.status, cloudEvent.status, unknown.status, withoutToken.status, recorder.received.map((event) => event.id)]).toEqual([
        202,
        202,
        404,
        401,
        ['embedded-1'],
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses every webhook when the configuration names no secret', async () => {
    const store = new TempObjectStore();
    const broker = new InProcessBroker({ routes: [], functions: [], context: testContext(store), store });
    const server = await serveRuntime({ broker, context: testContext(store) }, { port: 0, log: silentLogger, ingressToken: INGRESS_TOKEN });
    try {
      const body = githubPush();
      const sent = await post(`${server.url}/webhooks/github`, body, githubHeaders(body, GLOBAL_SECRET));
      expect([sent.status, sent.body.error]).toEqual([
        401,
        'no webhook secret is configured for https://github.com/heketi/heketi.git: unsigned pushes are never accepted',
      ]);
    } finally {
      await server.close();
    }
  });
});

import express from 'express';
import { buildFunction } from '../../functions/build';
import { testContext } from '../support/test-functions';
import { listen, type RunningServer } from '../../shared/host/listen';
import { startFunctionServer } from '../../shared/host/function-server';
import { withServices } from '../../shared/function/services';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { REGISTRY_EVENTS_MEDIA_TYPE } from '../../shared/registry/notifications';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { names, startWorld, type DispatchWorld } from '../dispatch/harness';

/**
 * Forged registry notifications at `ccp serve`'s `POST /registry/notifications`, with the real
 * docker-registry ccp started (its own random token in its endpoint's `headers`): a forged push
 * of a parent without the token, or with a wrong one, is refused with 401 JSON and rebuilds
 * nothing; a real push of that parent to the registry rebuilds its child.
 */
const FILES = { 'onext/Dockerfile': 'FROM ext/base:latest\nRUN echo on an outside image\n' };

describe('registry notifications need the registry token (ccp serve, real docker-registry)', () => {
  let world: DispatchWorld;

  beforeAll(async () => {
    world = await startWorld(FILES, (entry) => [entry('onext', { dependsOn: ['ext/base:latest'] })]);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  /** A notification the registry would send for a push of `ext/base:latest`. */
  const envelope = (id: string): string =>
    JSON.stringify({
      events: [
        {
          id,
          timestamp: new Date().toISOString(),
          action: 'push',
          target: {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'ab'.repeat(32)}`,
            repository: 'ext/base',
            tag: 'latest',
            url: `http://${world.registry}/v2/ext/base/manifests/latest`,
          },
          request: { host: world.registry, method: 'PUT' },
        },
      ],
    });

  it.each([
    ['without a token', undefined],
    ['with a wrong token', 'Bearer guessed-token-0000000000000000000000000'],
    ['with the token under another scheme', 'TOKEN-AS-BASIC'],
  ])(
    'refuses a forged push %s with 401 JSON and builds nothing',
    async (_case, header) => {
      const authorization = header === 'TOKEN-AS-BASIC' ? `Basic ${world.served.runtime.registry!.notifyToken!}` : header;
      const answer = await fetch(`${world.served.server.url}/registry/notifications`, {
        method: 'POST',
        headers: { 'content-type': REGISTRY_EVENTS_MEDIA_TYPE, ...(authorization ? { authorization } : {}) },
        body: envelope(`forged-${String(header)}`),
      });
      const body = (await answer.json()) as unknown;
      await world.served.runtime.broker.idle();
      expect([answer.status, answer.headers.get('content-type'), body, world.requested, world.started]).toEqual([
        401,
        'application/json; charset=utf-8',
        { error: 'a registry notification needs its Bearer token' },
        [],
        [],
      ]);
    },
    60_000,
  );

  it('takes the notification of a real push to the registry, which rebuilds the child', async () => {
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'ext/base:latest', registry: world.registryAccess });
    for (let tries = 0; tries < 200 && world.requested.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    await world.served.runtime.broker.idle();
    expect([names(world.requested), world.requested.map((request) => request.cause.kind), world.started]).toEqual([
      ['tests/onext:latest'],
      ['parent-rebuilt'],
      ['tests/onext:latest'],
    ]);
  }, 120_000);
});

describe("the build function's server (as its Knative Service runs it) with CCP_REGISTRY_NOTIFY_TOKEN", () => {
  const TOKEN = 'cluster-notify-token-5b0e9c2a71d84f3e';
  let sink: RunningServer;
  const sunk: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.post('/', express.raw({ type: () => true }), (request, response) => {
      sunk.push(String(request.headers['ce-type'] ?? 'structured'));
      response.status(202).end();
    });
    sink = await listen(app, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await sink?.close();
  });

  const push = JSON.stringify({
    events: [
      {
        id: 'n-1',
        action: 'push',
        target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'cd'.repeat(32)}`, repository: 'ext/base', tag: 'latest' },
      },
    ],
  });

  it.each([
    [
      'no token configured: even its own empty Bearer is refused',
      undefined,
      'Bearer ',
      401,
      { error: 'no registry notification token is configured (CCP_REGISTRY_NOTIFY_TOKEN): notifications are refused' },
      [],
    ],
    ['no Authorization header', TOKEN, undefined, 401, { error: 'a registry notification needs its Bearer token' }, []],
    ['a wrong token', TOKEN, `Bearer ${TOKEN.slice(1)}x`, 401, { error: 'a registry notification needs its Bearer token' }, []],
    ['the token: published to K_SINK', TOKEN, `Bearer ${TOKEN}`, 200, { published: 1, duplicates: 0 }, ['org.centos.ccp.image.pushed']],
  ])('%s', async (_case, configured, authorization, status, body, published) => {
    sunk.length = 0;
    const context = testContext(new TempObjectStore());
    if (configured) context.config.registryNotifyToken = configured;
    const server = await startFunctionServer(buildFunction, withServices(buildFunction, context).context, { port: 0, sink: sink.url });
    try {
      const answer = await fetch(`${server.url}/registry/notifications`, {
        method: 'POST',
        headers: { 'content-type': REGISTRY_EVENTS_MEDIA_TYPE, ...(authorization !== undefined ? { authorization } : {}) },
        body: push,
      });
      expect([answer.status, await answer.json(), sunk]).toEqual([status, body, published]);
    } finally {
      await server.close();
    }
  });
});

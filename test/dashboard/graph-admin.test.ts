import { rm } from 'node:fs/promises';
import express from 'express';
import { HTTP, type CloudEvent } from 'cloudevents';
import { dashboardFunction } from '../../functions/dashboard';
import { LearnedParentsStore } from '../../functions/dispatch/planning/learned-parents';
import type { FunctionContext } from '../../shared/function/types';
import { createFunctionServer } from '../../shared/host/function-server';
import { listen, type RunningServer } from '../../shared/host/listen';
import { deadLetterRecord, storeDeadLetter } from '../../shared/runtime/dead-letter';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { buildRequested, testContext } from '../support/test-functions';
import { projectEntry, writeBuild } from '../support/dashboard-store';

const ADMIN_TOKEN = 'dashboard-admin-token-0123456789';
const BASE = projectEntry('centos', 'centos', '7');
const HTTPD = projectEntry('centos', 'httpd', 'latest', { dependsOn: ['centos/centos:7'] });
const PHP = projectEntry('centos', 'php', '8', { dependsOn: ['centos/centos:7'] });
const APP = projectEntry('team', 'app', '1');
const INDEX = [BASE, HTTPD, PHP, APP];

/** The broker as the dashboard's Knative Service sees it: K_SINK, an HTTP endpoint that takes CloudEvents. */
async function captureSink(): Promise<{ server: RunningServer; events: CloudEvent<unknown>[] }> {
  const events: CloudEvent<unknown>[] = [];
  const app = express();
  app.post('/', express.text({ type: () => true }), (request, response) => {
    events.push(HTTP.toEvent({ headers: request.headers, body: request.body as string }) as CloudEvent<unknown>);
    response.status(202).end();
  });
  return { server: await listen(app, { port: 0, host: '127.0.0.1' }), events };
}

/** The dashboard as its Knative Service runs it: the real function server on 127.0.0.1, publishing to `sink`. */
async function serve(store: TempObjectStore, sink: string, adminToken?: string): Promise<RunningServer> {
  const base = testContext(store);
  const context: FunctionContext = {
    ...base,
    config: { ...base.config, ...(adminToken ? { dashboardAdminToken: adminToken } : {}) },
    listProjects: () => Promise.resolve(INDEX),
  };
  return listen(createFunctionServer(dashboardFunction, context, { sink }), { port: 0, host: '127.0.0.1' });
}

describe('the dependency graph and admin pages over HTTP', () => {
  let store: TempObjectStore;
  let sink: Awaited<ReturnType<typeof captureSink>>;
  let deadLetterKey: string;

  beforeAll(async () => {
    store = new TempObjectStore();
    sink = await captureSink();
    const at = (minute: number): string => `2026-12-01T09:${String(minute).padStart(2, '0')}:00.000Z`;
    await writeBuild(store, BASE, {
      buildId: '20261201T090000Z-aaaa',
      status: 'succeeded',
      cause: { kind: 'manual', message: 'm' },
      queuedAt: at(0),
      durationMs: 1000,
      log: 'ok\n',
    });
    await writeBuild(store, HTTPD, {
      buildId: '20261201T090100Z-bbbb',
      status: 'failed',
      cause: { kind: 'manual', message: 'm' },
      queuedAt: at(1),
      durationMs: 1000,
      log: 'no\n',
    });
    await writeBuild(store, PHP, { buildId: '20261201T090200Z-cccc', status: 'running', cause: { kind: 'manual', message: 'm' }, queuedAt: at(2), log: '' });
    // What the dispatcher learnt from team/app's Dockerfile: FROM centos/php:8.
    await new LearnedParentsStore(store).record('team/app:1', ['centos/php:8']);
    deadLetterKey = await storeDeadLetter(
      store,
      deadLetterRecord({
        trigger: 'build',
        functionName: 'build',
        stage: 'delivery',
        event: buildRequested('lost-1', '/ccp/dispatch', { appId: 'centos', jobId: 'httpd', desiredTag: 'latest' }),
        error: new Error('registry unreachable'),
        attempts: 5,
        time: new Date('2026-12-01T10:00:00.000Z'),
      }),
    );
  });

  afterAll(async () => {
    await sink.server.close();
    await rm(store.inner.root, { recursive: true, force: true });
  });

  it('draws one node per project and one edge per dependency, coloured by status, each node a working link', async () => {
    const server = await serve(store, sink.server.url);
    try {
      const response = await fetch(`${server.url}/graph`);
      const page = await response.text();
      const nodes = [...page.matchAll(/<a\s+class="node graph-([a-z]+)"\s+data-name="([^"]+)"\s+href="([^"]+)"/g)].map((match) => [
        match[2],
        match[1],
        match[3],
      ]);
      const edges = [...page.matchAll(/class="edge( learned)?"\s+data-parent="([^"]+)"\s+data-child="([^"]+)"/g)].map(
        (match) => `${match[2]} -> ${match[3]}${match[1] ? ' (FROM)' : ''}`,
      );
      const links = await Promise.all(nodes.map(async ([, , href]) => (await fetch(`${server.url}${href!}`)).status));
      const projectsPage = await (await fetch(`${server.url}/`)).text();
      expect({ status: response.status, csp: response.headers.get('content-security-policy'), nodes, edges, links }).toEqual({
        status: 200,
        csp: expect.stringContaining("default-src 'none'"),
        nodes: [
          ['centos/centos:7', 'succeeded', '/projects/centos/centos/7'],
          ['centos/httpd:latest', 'failed', '/projects/centos/httpd/latest'],
          ['centos/php:8', 'running', '/projects/centos/php/8'],
          ['team/app:1', 'never', '/projects/team/app/1'],
        ],
        edges: ['centos/centos:7 -> centos/httpd:latest', 'centos/centos:7 -> centos/php:8', 'centos/php:8 -> team/app:1 (FROM)'],
        links: [200, 200, 200, 200],
      });
      expect(projectsPage).toMatch(/<a href="\/graph"\s*>Dependency graph<\/a>/);
    } finally {
      await server.close();
    }
  });

  it('lists the stored dead letter; send again needs the token and publishes the original event exactly once', async () => {
    const server = await serve(store, sink.server.url, ADMIN_TOKEN);
    const post = (body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${server.url}/admin/dead-letters/resend`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });
    try {
      const admin = await (await fetch(`${server.url}/admin`)).text();
      expect(admin).toContain(`name="key" value="${deadLetterKey}"`);
      expect(admin).toMatch(/<code>lost-1<\/code>/);
      expect(admin).toMatch(/registry unreachable/);
      expect(admin).toMatch(/<code>0 23 \* \* 6<\/code> \(Etc\/UTC\)/);

      const refused = [
        (await post({ key: deadLetterKey })).status,
        (await post({ key: deadLetterKey, token: 'wrong-token-wrong-token' })).status,
        (await post({ key: deadLetterKey }, { authorization: 'Bearer wrong-token-wrong-token' })).status,
        (await post({ key: deadLetterKey, token: ADMIN_TOKEN }, { 'sec-fetch-site': 'cross-site' })).status,
      ];
      expect({ refused, published: sink.events.length }).toEqual({ refused: [401, 401, 401, 403], published: 0 });

      const first = await post({ key: deadLetterKey, token: ADMIN_TOKEN });
      const second = await post({ key: deadLetterKey }, { authorization: `Bearer ${ADMIN_TOKEN}` });
      const bad = await post({ key: '../../etc/passwd', token: ADMIN_TOKEN });
      const original = buildRequested('lost-1', '/ccp/dispatch', { appId: 'centos', jobId: 'httpd', desiredTag: 'latest' });
      expect({
        statuses: [first.status, second.status, bad.status],
        published: sink.events.map((event) => [event.id, event.source, event.type, event.data]),
      }).toEqual({
        statuses: [200, 409, 400],
        published: [['lost-1', '/ccp/dispatch', original.type, original.data]],
      });
      expect(await (await fetch(`${server.url}/admin`)).text()).toMatch(/Sent again <time/);
    } finally {
      await server.close();
    }
  });

  it('with no admin token configured, shows the admin view without forms and answers its actions 404, publishing nothing', async () => {
    const server = await serve(store, sink.server.url);
    const before = sink.events.length;
    try {
      const admin = await fetch(`${server.url}/admin`);
      const text = await admin.text();
      const action = await fetch(`${server.url}/admin/dead-letters/resend`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: new URLSearchParams({ key: deadLetterKey, token: ADMIN_TOKEN }),
      });
      expect({ admin: admin.status, forms: text.includes('<form'), action: action.status, published: sink.events.length - before }).toEqual({
        admin: 200,
        forms: false,
        action: 404,
        published: 0,
      });
    } finally {
      await server.close();
    }
  });
});

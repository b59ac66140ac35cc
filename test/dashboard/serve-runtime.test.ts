import { rm } from 'node:fs/promises';
import { HTTP } from 'cloudevents';
import { serveRuntime } from '../../cli/serve-runtime';
import { silentLogger } from '../../shared/log/logger';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { ingressAuthorization } from '../../shared/host/ingress-token';
import { buildRequested, testContext } from '../support/test-functions';
import { projectEntry, writeBuild } from '../support/dashboard-store';

const INGRESS_TOKEN = 'dashboard-ingress-token-0123456789';

describe('ccp serve / npm start: the dashboard beside the reports, the webhooks and the broker ingress', () => {
  it('shows the dashboard at / while /reports, /webhooks and POST / keep working', async () => {
    const store = new TempObjectStore();
    const entry = projectEntry('centos', 'httpd', 'latest');
    await writeBuild(store, entry, {
      buildId: '20261201T090000Z-aaaa',
      status: 'succeeded',
      cause: { kind: 'manual', message: 'asked for by a test' },
      queuedAt: '2026-12-01T09:00:00.000Z',
      durationMs: 1000,
      log: 'built\n',
    });
    const context = { ...testContext(store), listProjects: () => Promise.resolve([entry]) };
    const broker = new InProcessBroker({ routes: [], functions: [], context, store });
    const server = await serveRuntime({ broker, context }, { port: 0, log: silentLogger, ingressToken: INGRESS_TOKEN });
    try {
      const dashboard = await fetch(`${server.url}/`);
      const page = await dashboard.text();
      const project = await fetch(`${server.url}/projects/centos/httpd/latest`);
      const log = await fetch(`${server.url}/reports/centos/httpd/latest/20261201T090000Z-aaaa/build.log`);
      const index = await fetch(`${server.url}/reports/?format=json`);
      const webhook = await fetch(`${server.url}/webhooks/gitea`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const message = HTTP.binary(buildRequested('serve-1'));
      const withToken = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(INGRESS_TOKEN) },
        body: message.body as string,
      });
      const withoutToken = await fetch(`${server.url}/`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
      expect({
        dashboard: [
          dashboard.status,
          dashboard.headers.get('content-type'),
          /<th scope="row"><a href="\/projects\/centos\/httpd\/latest">centos\/httpd:latest<\/a><\/th>/.test(page),
        ],
        project: project.status,
        log: [log.status, await log.text()],
        index: index.status,
        webhook: webhook.status,
        ingress: [withToken.status, withoutToken.status],
      }).toEqual({
        dashboard: [200, 'text/html; charset=utf-8', true],
        project: 200,
        log: [200, 'built\n'],
        index: 200,
        webhook: 404,
        ingress: [202, 401],
      });
    } finally {
      await server.close();
      await rm(store.inner.root, { recursive: true, force: true });
    }
  });
});

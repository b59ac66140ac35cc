import path from 'node:path';
import { runProjects } from '../../cli/commands/run';
import { INDEX_SNAPSHOT_KEY } from '../../shared/cascade/keys';
import { type IndexSnapshot } from '../../shared/cascade/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { loadIndex } from '../../shared/index/load';
import type { ImageState } from '../../shared/reports/image-state';
import { genericHeaders, post, settings, startGateway, GLOBAL_SECRET, type Gateway } from '../gateway/harness';
import { names, startWorld, type DispatchWorld } from './harness';

const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n',
  'leaf/Dockerfile': 'FROM tests/base:latest\nRUN echo leaf\n',
  'fresh/Dockerfile': 'FROM test/busybox:latest\nRUN echo fresh\n',
  'onext/Dockerfile': 'FROM ext/base:latest\nRUN echo on an outside image\n',
};

function indexYaml(repoUrl: string, extra = '', leafContext = './'): string {
  const project = (id: number, jobId: string, more = '') =>
    `  - id: ${id}\n    app-id: tests\n    job-id: ${jobId}\n    git-url: ${repoUrl}\n    git-branch: main\n    git-path: ${jobId}\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: tests@example.com\n    build-context: ${jobId === 'leaf' ? leafContext : './'}\n${more}`;
  return `Projects:\n${project(1, 'base', '    depends-on: null\n')}${project(2, 'leaf', '    depends-on: tests/base:latest\n')}${project(3, 'onext', '    depends-on: ext/base:latest\n')}${extra}`;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('what else the dispatcher turns into builds (embedded runtime, real git, registry, builds)', () => {
  let world: DispatchWorld;
  let index: LocalRepo;
  let gateway: Gateway;

  beforeAll(async () => {
    let indexLocation = '';
    world = await startWorld(
      FILES,
      (entry) => [entry('base'), entry('leaf', { dependsOn: ['tests/base:latest'] }), entry('onext', { dependsOn: ['ext/base:latest'] })],
      {},
      async (dir) => {
        index = await createLocalRepo('main', path.join(dir, 'index'));
        await index.commit({ 'index.d/tests.yaml': indexYaml(`file://${path.join(dir, 'repo')}`) }, 'index');
        indexLocation = index.url;
        return indexLocation;
      },
    );
    gateway = await startGateway(settings(), (event) => world.served.runtime.broker.publish(event));
    // The dispatcher has seen this index already: only what changes from here on builds.
    const seen = await loadIndex(indexLocation, { branch: 'main', workDir: path.join(world.dir, 'work') });
    const snapshot: IndexSnapshot = { format: 'ccp.index-snapshot/v1', takenAt: new Date().toISOString(), entries: seen.projects };
    await world.served.runtime.context.store.put(INDEX_SNAPSHOT_KEY, JSON.stringify(snapshot));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await world?.close();
  });

  beforeEach(() => world.forget());

  it('ccp run builds a parent and its child once each (the dispatcher does not cascade what ccp run requests)', async () => {
    const [base, leaf] = [world.entry('base'), world.entry('leaf', { dependsOn: ['tests/base:latest'] })];
    const { projects } = await runProjects(world.served.runtime, [base, leaf], [leaf, base], () => undefined);
    expect(projects.map((project) => [project.project, project.build.status])).toEqual([
      ['tests/leaf:latest', 'succeeded'],
      ['tests/base:latest', 'succeeded'],
    ]);
    // The registry's push notifications come after the builds; the dispatcher ignores our own pushes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await world.served.runtime.broker.idle();
    expect(world.started).toEqual(['tests/base:latest', 'tests/leaf:latest']);
    expect(world.notices).toHaveLength(1);
  }, 120_000);

  it('builds nothing for a forged signature, and once for a duplicate delivery', async () => {
    const body = JSON.stringify({ repoUrl: world.repo.url, branch: 'main', commit: 'f'.repeat(40), changedPaths: ['onext/Dockerfile'] });
    const forged = await post(`${gateway.url}/webhooks/generic`, body, genericHeaders(body, 'not-the-secret', 'delivery-forged'));
    expect(forged.status).toEqual(401);
    await world.served.runtime.broker.idle();
    expect(world.requested).toEqual([]);

    const real = JSON.stringify({
      repoUrl: world.repo.url,
      branch: 'main',
      commit: (await world.repo.commit({ 'fresh/x': '1\n' }, 'x')).trim(),
      changedPaths: ['base/README'],
    });
    const first = await post(`${gateway.url}/webhooks/generic`, real, genericHeaders(real, GLOBAL_SECRET, 'delivery-1'));
    const again = await post(`${gateway.url}/webhooks/generic`, real, genericHeaders(real, GLOBAL_SECRET, 'delivery-1'));
    expect([first.status, again.status]).toEqual([202, 202]);
    await world.served.runtime.broker.idle();
    expect(names(world.requested)).toEqual(['tests/base:latest', 'tests/leaf:latest']);
    expect(world.started).toEqual(['tests/base:latest', 'tests/leaf:latest']);
  }, 120_000);

  it('gives an added index entry its first build and a changed one a rebuild for its new configuration', async () => {
    const repoUrl = world.repo.url;
    const added = `  - id: 4\n    app-id: tests\n    job-id: fresh\n    git-url: ${repoUrl}\n    git-branch: main\n    git-path: fresh\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: tests@example.com\n    build-context: ./\n    depends-on: null\n`;
    const commit = (await index.commit({ 'index.d/tests.yaml': indexYaml(repoUrl, added, '.') }, 'add fresh, change leaf')).trim();
    await world.publish(
      makeEvent(
        EventTypes.gitPush,
        { repoUrl: index.url, branch: 'main', commit, changedPaths: ['index.d/tests.yaml'] },
        { source: '/ccp/gateway/generic', id: 'index-push-1' },
      ),
    );
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind, request.cause.message])).toEqual([
      ['fresh', 'first-build', 'First build of the container image'],
      ['leaf', 'index-change', 'Update to build configurations'],
    ]);
    expect(world.started.sort()).toEqual(['tests/fresh:latest', 'tests/leaf:latest']);
  }, 120_000);

  it('rebuilds only the image that has the updated package, saying which version moved', async () => {
    const state = (jobId: string, packages: ImageState['packages']): ImageState => ({
      format: 'ccp.image-state/v1',
      project: { appId: 'tests', jobId, desiredTag: 'latest' },
      image: { ref: `${world.registry}/tests/${jobId}:latest` },
      lastScan: {
        scanId: 's',
        at: new Date().toISOString(),
        verdict: 'clean',
        counts: { high: 0, medium: 0, low: 0, info: 0 } as never,
        reports: { json: 'j', html: 'h', sbom: 's' },
      },
      packages,
      repos: [{ id: 'baseos', baseurl: ['http://127.0.0.1:9/baseos/'] }],
    });
    const store = world.served.runtime.context.store;
    await store.put(
      'state/images/tests/leaf/latest.json',
      JSON.stringify(state('leaf', [{ ecosystem: 'rpm', name: 'openssl', version: '3.0.7', qualifiers: { release: '24' }, purl: 'pkg:rpm/openssl@3.0.7-24' }])),
    );
    await store.put(
      'state/images/tests/onext/latest.json',
      JSON.stringify(state('onext', [{ ecosystem: 'rpm', name: 'bash', version: '5.1', qualifiers: { release: '1' }, purl: 'pkg:rpm/bash@5.1-1' }])),
    );
    await world.publish(
      makeEvent(
        EventTypes.rpmRepoChanged,
        {
          repo: { key: 'baseos', url: 'http://127.0.0.1:9/baseos/' },
          revision: '2',
          added: [],
          removed: [],
          updated: [{ name: 'openssl', from: '3.0.7-24', to: '3.0.7-25' }],
        },
        { source: '/ccp/track-repos', id: 'rpm-1' },
      ),
    );
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind, request.cause.message])).toEqual([
      ['leaf', 'rpm-update', 'openssl 3.0.7-24 → 3.0.7-25 in repo baseos'],
    ]);
    expect(world.started).toEqual(['tests/leaf:latest']);
  }, 120_000);

  it('rebuilds the children of an image pushed from outside the pipeline', async () => {
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'ext/base:latest', registry: world.registryAccess });
    await until(() => world.requested.length > 0, 'the push notification');
    await world.served.runtime.broker.idle();
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind])).toEqual([['onext', 'parent-rebuilt']]);
    expect(world.started).toEqual(['tests/onext:latest']);
  }, 120_000);
});

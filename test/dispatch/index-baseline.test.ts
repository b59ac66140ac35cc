import path from 'node:path';
import { runProjects } from '../../cli/commands/run';
import { INDEX_SNAPSHOT_KEY } from '../../shared/cascade/keys';
import { type IndexSnapshot } from '../../shared/cascade/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import { loadIndex } from '../../shared/index/load';
import type { ProjectEntry } from '../../shared/index/types';
import { names, startWorld, type DispatchWorld } from './harness';

const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n',
  'leaf/Dockerfile': 'FROM tests/base:latest\nRUN echo leaf\n',
  'other/Dockerfile': 'FROM test/busybox:latest\nRUN echo other\n',
};

interface Shape {
  /** `build-context` of each job (default `./`). */
  contexts?: Partial<Record<'base' | 'leaf' | 'other', string>>;
  /** Entries in another order, renumbered, under a comment: the same builds, other lines. */
  shuffled?: boolean;
}

/** The index file: base, leaf on base, other on busybox. */
function indexYaml(repoUrl: string, shape: Shape = {}): string {
  const project = (id: number, jobId: 'base' | 'leaf' | 'other', dependsOn: string) =>
    `  - id: ${id}\n    app-id: tests\n    job-id: ${jobId}\n    git-url: ${repoUrl}\n    git-branch: main\n    git-path: ${jobId}\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: tests@example.com\n    build-context: ${shape.contexts?.[jobId] ?? './'}\n    depends-on: ${dependsOn}\n`;
  const [base, leaf, other] = [
    (id: number) => project(id, 'base', 'null'),
    (id: number) => project(id, 'leaf', 'tests/base:latest'),
    (id: number) => project(id, 'other', 'null'),
  ];
  return shape.shuffled ? `# reordered, nothing else\nProjects:\n${other(1)}${leaf(2)}${base(3)}` : `Projects:\n${base(1)}${leaf(2)}${other(3)}`;
}

describe('the baseline an index push is diffed with (embedded runtime, real git, registry, builds)', () => {
  let world: DispatchWorld;
  let index: LocalRepo;
  let loaded: ProjectEntry[] = [];

  beforeAll(async () => {
    world = await startWorld(
      FILES,
      () => loaded,
      {},
      async (dir) => {
        index = await createLocalRepo('main', path.join(dir, 'index'));
        await index.commit({ 'index.d/tests.yaml': indexYaml(`file://${path.join(dir, 'repo')}`) }, 'index');
        loaded = (await loadIndex(index.url, { branch: 'main', workDir: path.join(dir, 'work') })).projects;
        return index.url;
      },
    );
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  beforeEach(() => world.forget());

  /** Commits `shape` to the index and delivers its push, as the gateway would. */
  async function pushIndex(shape: Shape, id: string): Promise<void> {
    const commit = (await index.commit({ 'index.d/tests.yaml': indexYaml(world.repo.url, shape) }, id)).trim();
    await world.publish(
      makeEvent(
        EventTypes.gitPush,
        { repoUrl: index.url, branch: 'main', commit, changedPaths: ['index.d/tests.yaml'] },
        { source: '/ccp/gateway/generic', id },
      ),
    );
  }

  async function snapshotNames(): Promise<string[] | null> {
    const stored = await world.served.runtime.context.store.get(INDEX_SNAPSHOT_KEY);
    return stored
      ? (JSON.parse(stored.body.toString('utf8')) as IndexSnapshot).entries.map((entry) => `${entry.appId}/${entry.jobId}:${entry.desiredTag}`).sort()
      : null;
  }

  it('first index push after a ccp run rebuilds only the changed entry', async () => {
    expect(await snapshotNames()).toEqual(null);
    const { projects } = await runProjects(world.served.runtime, loaded, loaded, () => undefined);
    expect(projects.map((project) => [project.project, project.build.status])).toEqual([
      ['tests/base:latest', 'succeeded'],
      ['tests/leaf:latest', 'succeeded'],
      ['tests/other:latest', 'succeeded'],
    ]);
    expect(await snapshotNames()).toEqual(['tests/base:latest', 'tests/leaf:latest', 'tests/other:latest']);
    // The registry's push notifications of the run come after its builds; they build nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await world.served.runtime.broker.idle();
    world.forget();

    await pushIndex({ contexts: { leaf: '.' } }, 'index-push-leaf');
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind])).toEqual([['leaf', 'index-change']]);
    expect(world.started).toEqual(['tests/leaf:latest']);
  }, 180_000);

  it('a push that changes nothing rebuilds nothing (entries reordered and renumbered)', async () => {
    await pushIndex({ contexts: { leaf: '.' }, shuffled: true }, 'index-push-reordered');
    expect(world.requested).toEqual([]);
    expect(world.started).toEqual([]);
    expect(await snapshotNames()).toEqual(['tests/base:latest', 'tests/leaf:latest', 'tests/other:latest']);
  }, 120_000);

  it('an entry built before the snapshot existed is no first build: without a snapshot, a push rebuilds only what differs from its last build', async () => {
    await world.served.runtime.context.store.delete(INDEX_SNAPSHOT_KEY);
    await pushIndex({ contexts: { leaf: '.', base: '.' } }, 'index-push-base');
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind])).toEqual([
      ['base', 'index-change'],
      ['leaf', 'parent-rebuilt'],
    ]);
    expect(world.started).toEqual(['tests/base:latest', 'tests/leaf:latest']);
    expect(names(world.completed)).toEqual(['tests/base:latest', 'tests/leaf:latest']);
  }, 180_000);

  it('a brand-new entry next to built ones is a first build, and only it builds', async () => {
    await world.served.runtime.context.store.delete(INDEX_SNAPSHOT_KEY);
    const fresh = `  - id: 4\n    app-id: tests\n    job-id: fresh\n    git-url: ${world.repo.url}\n    git-branch: main\n    git-path: other\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: tests@example.com\n    build-context: ./\n    depends-on: null\n`;
    const commit = (
      await index.commit({ 'index.d/tests.yaml': `${indexYaml(world.repo.url, { contexts: { leaf: '.', base: '.' } })}${fresh}` }, 'fresh')
    ).trim();
    await world.publish(
      makeEvent(
        EventTypes.gitPush,
        { repoUrl: index.url, branch: 'main', commit, changedPaths: ['index.d/tests.yaml'] },
        { source: '/ccp/gateway/generic', id: 'index-push-fresh' },
      ),
    );
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind])).toEqual([['fresh', 'first-build']]);
    expect(world.started).toEqual(['tests/fresh:latest']);
  }, 120_000);
});

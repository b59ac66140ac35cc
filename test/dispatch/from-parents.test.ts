import { FROM_PARENTS_KEY } from '../../shared/cascade/keys';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { names, startWorld, type DispatchWorld } from './harness';

/** `below` is built FROM `top` (through an ARG), but its index entry has no depends-on. */
const FILES: Record<string, string> = {
  'top/Dockerfile': 'FROM test/busybox:latest\nRUN echo top > /top.txt\n',
  'below/Dockerfile': 'ARG PARENT=tests/top\nFROM ${PARENT}:latest AS parent\nFROM parent\nRUN echo below > /below.txt\n',
};

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('parents learnt from FROM lines (embedded runtime, real git, registry and builds)', () => {
  let world: DispatchWorld;

  function push(commit: string, changedPaths: string[], id: string) {
    return makeEvent(EventTypes.gitPush, { repoUrl: world.repo.url, branch: 'main', commit, changedPaths }, { source: '/ccp/gateway/generic', id });
  }

  beforeAll(async () => {
    world = await startWorld(FILES, (entry) => [entry('top'), entry('below')]);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  beforeEach(() => world.forget());

  it('rebuilds a child without depends-on after its FROM parent, once the child has been built once', async () => {
    // Before the child was ever built nothing says it is built on top.
    const first = (await world.repo.commit({ 'top/README': '1\n' }, 'top 1')).trim();
    await world.publish(push(first, ['top/README'], 'from-top-1'));
    expect(names(world.requested)).toEqual(['tests/top:latest']);
    expect(world.started).toEqual(['tests/top:latest']);

    // The child's build reads its FROM lines; the dispatcher learns the edge.
    world.forget();
    const second = (await world.repo.commit({ 'below/README': '1\n' }, 'below 1')).trim();
    await world.publish(push(second, ['below/README'], 'from-below-1'));
    expect(names(world.requested)).toEqual(['tests/below:latest']);
    expect(world.completed.map((data) => [data.project.jobId, data.status, data.baseImages])).toEqual([['below', 'succeeded', ['tests/top:latest']]]);
    const stored = await world.served.runtime.context.store.get(FROM_PARENTS_KEY);
    expect(JSON.parse(stored!.body.toString('utf8'))).toMatchObject({ 'tests/below:latest': ['tests/top:latest'] });

    // Now a push to the parent rebuilds the parent, then the child, in one cascade.
    world.forget();
    const third = (await world.repo.commit({ 'top/README': '2\n' }, 'top 2')).trim();
    await world.publish(push(third, ['top/README'], 'from-top-2'));
    expect(names(world.requested)).toEqual(['tests/top:latest', 'tests/below:latest']);
    expect(world.started).toEqual(['tests/top:latest', 'tests/below:latest']);
    const [parent, child] = world.requested;
    const parentRecord = await world.record('tests/top:latest', parent!.buildId!);
    const childRecord = await world.record('tests/below:latest', child!.buildId!);
    expect(parentRecord.status).toEqual('succeeded');
    expect(childRecord.status).toEqual('succeeded');
    expect(Date.parse(childRecord.timings.startedAt!)).toBeGreaterThanOrEqual(Date.parse(parentRecord.timings.finishedAt!));
    expect(childRecord.cause).toMatchObject({ kind: 'parent-rebuilt', parent: 'tests/top:latest' });
    expect(childRecord.baseImages).toEqual(['tests/top:latest']);
    expect(world.notices.map((notice) => notice.items.length)).toEqual([2]);
  }, 180_000);

  it('rebuilds the child when its FROM parent is pushed from outside the pipeline', async () => {
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'tests/top:latest', registry: world.registryAccess });
    await until(() => world.requested.length > 0, 'the push notification');
    await world.served.runtime.broker.idle();
    expect(world.requested.map((request) => [request.project.jobId, request.cause.kind, request.cause.parent])).toEqual([
      ['below', 'parent-rebuilt', 'tests/top:latest'],
    ]);
    expect(world.started).toEqual(['tests/below:latest']);
  }, 120_000);
});

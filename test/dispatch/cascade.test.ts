import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { imageName } from '../../shared/index/types';
import { names, startWorld, type DispatchWorld } from './harness';

/** A parent and its child, a failing parent and its child, and a diamond, in one repository. */
const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n',
  'child/Dockerfile': 'FROM tests/base:latest\nRUN cat /base.txt > /child.txt\n',
  'broken/Dockerfile': 'FROM test/busybox:latest\nRUN echo about to fail && exit 3\n',
  'orphan/Dockerfile': 'FROM tests/broken:latest\nRUN echo never\n',
  'left/Dockerfile': 'FROM test/busybox:latest\nRUN echo left > /left.txt\n',
  'right/Dockerfile': 'FROM test/busybox:latest\nRUN echo right > /right.txt\n',
  'diamond/Dockerfile': 'FROM tests/left:latest\nCOPY --from=tests/right:latest /right.txt /right.txt\n',
};

function push(world: DispatchWorld, commit: string, changedPaths: string[] | undefined, id: string, time?: Date) {
  return makeEvent(
    EventTypes.gitPush,
    { repoUrl: world.repo.url, branch: 'main', commit, ...(changedPaths ? { changedPaths } : {}) },
    { source: '/ccp/gateway/generic', id, ...(time ? { time: time.toISOString() } : {}) },
  );
}

describe('dispatcher cascades on the embedded runtime (real git, registry and builds)', () => {
  let world: DispatchWorld;
  let head: string;

  beforeAll(async () => {
    world = await startWorld(FILES, (entry) => [
      entry('base'),
      entry('child', { dependsOn: ['tests/base:latest'] }),
      entry('broken'),
      entry('orphan', { dependsOn: ['tests/broken:latest'] }),
      entry('left'),
      entry('right'),
      entry('diamond', { dependsOn: ['tests/left:latest', 'tests/right:latest'] }),
    ]);
    head = (await world.repo.commit({ 'base/README': 'touch\n' }, 'touch base')).trim();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  beforeEach(() => world.forget());

  it('rebuilds the parent a push touched, then its child, with the cause chain and one notice', async () => {
    await world.publish(push(world, head, ['base/README'], 'push-base-1'));
    expect(names(world.requested)).toEqual(['tests/base:latest', 'tests/child:latest']);
    expect(world.started).toEqual(['tests/base:latest', 'tests/child:latest']);
    const [parent, child] = world.requested;
    const parentRecord = await world.record('tests/base:latest', parent!.buildId!);
    const childRecord = await world.record('tests/child:latest', child!.buildId!);
    expect(Date.parse(childRecord.timings.startedAt!)).toBeGreaterThanOrEqual(Date.parse(parentRecord.timings.finishedAt!));
    expect(parentRecord).toMatchObject({ status: 'succeeded', commit: head });
    const pushed = `Git commit ${head} to branch main of repo ${world.repo.url}`;
    expect(childRecord.status).toEqual('succeeded');
    expect(childRecord.causeChain.map((cause) => [cause.kind, cause.message])).toEqual([
      ['git-push', pushed],
      ['parent-rebuilt', `parent tests/base:latest rebuilt because git commit ${head} to branch main of repo ${world.repo.url}`],
    ]);
    expect(childRecord.cause.cascade).toEqual(parentRecord.cause.cascade);
    expect(world.notices).toHaveLength(1);
    expect(world.notices[0]!.items.map((item) => [imageName(item.project), item.outcome])).toEqual([
      ['tests/base:latest', 'succeeded'],
      ['tests/child:latest', 'succeeded'],
    ]);
    expect(world.notices[0]!.cascade).toEqual(parentRecord.cause.cascade);
  }, 120_000);

  it('does not build the child of a failed parent, and one notice lists it as skipped', async () => {
    // A commit of its own: the dispatcher accepts one push per commit of a branch (a replay builds nothing).
    const commit = (await world.repo.commit({ 'broken/README': 'touch\n' }, 'touch broken')).trim();
    await world.publish(push(world, commit, ['broken/Dockerfile'], 'push-broken-1'));
    expect(names(world.requested)).toEqual(['tests/broken:latest']);
    expect(world.started).toEqual(['tests/broken:latest']);
    expect(world.notices).toHaveLength(1);
    expect(world.notices[0]!.items.map((item) => [imageName(item.project), item.outcome, item.reason, item.blockedBy])).toEqual([
      ['tests/broken:latest', 'failed', 'RUN echo about to fail && exit 3 exited with 3 at line 2', undefined],
      ['tests/orphan:latest', 'skipped', 'parent tests/broken:latest failed', 'tests/broken:latest'],
    ]);
  }, 120_000);

  it('builds the child of two changed parents once, after both', async () => {
    const commit = (await world.repo.commit({ 'left/README': 'touch\n' }, 'touch left')).trim();
    await world.publish(push(world, commit, ['left/Dockerfile', 'right/Dockerfile'], 'push-diamond-1'));
    expect(names(world.requested)).toEqual(['tests/left:latest', 'tests/right:latest', 'tests/diamond:latest']);
    expect(world.started.filter((name) => name === 'tests/diamond:latest')).toHaveLength(1);
    const diamond = world.requested[2]!;
    const record = await world.record('tests/diamond:latest', diamond.buildId!);
    for (const parent of world.requested.slice(0, 2)) {
      const parentRecord = await world.record(imageName(parent.project), parent.buildId!);
      expect(Date.parse(record.timings.startedAt!)).toBeGreaterThanOrEqual(Date.parse(parentRecord.timings.finishedAt!));
    }
    expect(record.status).toEqual('succeeded');
    expect(world.notices.map((notice) => notice.items.length)).toEqual([3]);
  }, 120_000);

  it('does nothing new for a redelivered push, and builds the newest of ten quick pushes once', async () => {
    await world.publish(push(world, head, ['base/README'], 'push-base-1'));
    expect(world.requested).toEqual([]);
    const commits: string[] = [];
    for (let i = 0; i < 10; i++) commits.push((await world.repo.commit({ 'child/note.txt': `${i}\n` }, `note ${i}`)).trim());
    // Sent a millisecond apart; the broker may deliver them in another order.
    const events = commits.map((commit, i) => push(world, commit, ['child/note.txt'], `burst-${i}`, new Date(Date.now() + i)));
    for (const event of events) await world.served.runtime.broker.publish(event);
    await world.served.runtime.broker.idle();
    expect(names(world.requested)).toEqual(['tests/child:latest']);
    expect(world.requested[0]!.commit).toEqual(commits[9]);
    expect(world.started).toEqual(['tests/child:latest']);
    expect((await world.record('tests/child:latest', world.requested[0]!.buildId!)).commit).toEqual(commits[9]);
  }, 120_000);
});

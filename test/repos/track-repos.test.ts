import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { createTrackReposHandler } from '../../functions/track-repos';
import type { FunctionContext } from '../../shared/function/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { validateEvent } from '../../shared/events/validate';
import { type RpmRepoChangedData } from '../../shared/events/contracts/rpm-repo-changed';
import { readRepoState } from '../../functions/track-repos/repos/repo-state-store';
import { repoKeyOf } from '../../functions/track-repos/repos/repo-key';
import { type RepoPollOutcome } from '../../functions/track-repos/repos/types';
import { FsObjectStore } from '../../shared/store/fs-store';
import { startDownServer } from '../scan-support/down-server';
import { startRpmRepoServer, type RpmRepoServer } from '../scan-support/rpm-repo-server';
import { contextRewriting, MIRROR, repoUsage, TestYumRepo, writeImageWithRepos } from './repo-fixture';

const BASE_URL = `${MIRROR}base/`;
const KEY = repoKeyOf(BASE_URL);

const tick = (id: string): CloudEvent<unknown> => makeEvent(EventTypes.tickRepoPoll, {}, { source: '/ccp/gateway', id });

describe('repo tracking on a real yum repository', () => {
  let dir: string;
  let store: FsObjectStore;
  let server: RpmRepoServer;
  let repo: TestYumRepo;
  let context: FunctionContext;
  const outcomes: RepoPollOutcome[] = [];
  const handle = createTrackReposHandler({ onPolled: (outcome) => outcomes.push(outcome) });

  async function poll(id: string, on: FunctionContext = context): Promise<CloudEvent<unknown>[]> {
    outcomes.length = 0;
    server.reset();
    const events = await handle(tick(id), on);
    for (const event of events) validateEvent(event);
    return events;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-track-repos-'));
    store = new FsObjectStore(path.join(dir, 'store'));
    repo = new TestYumRepo(path.join(dir, 'repos', 'base'), path.join(dir, 'build'));
    await repo.add([
      { name: 'foo', version: '1.0' },
      { name: 'bar', version: '2.0' },
    ]);
    server = await startRpmRepoServer(path.join(dir, 'repos'));
    // Two images share the repository (one key, polled once); a disabled repo is not tracked.
    await writeImageWithRepos(store, 'team/web:latest', [
      repoUsage('base', BASE_URL),
      { ...repoUsage('debug', `${MIRROR}debug/`), enabled: false, status: 'disabled' },
    ]);
    await writeImageWithRepos(store, 'team/api:latest', [repoUsage('BaseOS', `${MIRROR}base`)]);
    context = await contextRewriting(store, dir, server.url);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the first poll without emitting anything', async () => {
    expect(await poll('repo-poll/1')).toEqual([]);
    expect(outcomes.map((outcome) => [outcome.repo.name, outcome.status, outcome.repo.images])).toEqual([
      ['BaseOS', 'recorded', ['team/api:latest', 'team/web:latest']],
    ]);
    expect(server.stats.paths[0]).toEqual('/base/repodata/repomd.xml');
    expect(server.stats.paths[1]).toMatch(/^\/base\/repodata\/[0-9a-f]+-primary\.xml\.gz$/);
    const state = (await readRepoState(store, KEY))!.state!;
    expect(state).toEqual(expect.objectContaining({ key: KEY, name: 'BaseOS', url: BASE_URL }));
    expect(state.snapshot!.packages).toEqual({ 'bar.noarch': '2.0-1', 'foo.noarch': '1.0-1' });
    expect(state.snapshot!.etag).toMatch(/^".+"$/);
    expect(state.snapshot!.revision).toMatch(/^\d+$/);
  });

  it('asks an unchanged repository with a conditional GET and gets a bodiless 304', async () => {
    expect(await poll('repo-poll/2')).toEqual([]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['unchanged']);
    expect(server.stats).toEqual({ requests: 1, bytes: 0, paths: ['/base/repodata/repomd.xml'] });
  });

  it('emits one rpm-repo.changed with the update from the old to the new version', async () => {
    const before = (await readRepoState(store, KEY))!.state!.snapshot!;
    await repo.add([{ name: 'foo', version: '1.1' }]);
    const events = await poll('repo-poll/3');
    expect(events).toHaveLength(1);
    expect(events[0].type).toEqual(EventTypes.rpmRepoChanged);
    expect(events[0].source).toEqual('/ccp/track-repos');
    const data = events[0].data as RpmRepoChangedData;
    expect(data).toEqual({
      repo: { key: KEY, url: BASE_URL, name: 'BaseOS' },
      previousRevision: before.revision,
      revision: expect.stringMatching(/^\d+$/),
      added: [],
      updated: [{ name: 'foo', from: '1.0-1', to: '1.1-1', repo: 'BaseOS' }],
      removed: [],
    });
    expect(server.stats.paths).toHaveLength(2);
  });

  it('re-emits the same change under the same id when the tick is redelivered, fetching nothing', async () => {
    const first = (await readRepoState(store, KEY))!.state!.lastChange!;
    const events = await poll('repo-poll/3');
    expect(events.map((event) => [event.id, event.data])).toEqual([[first.eventId, first.data]]);
    expect(server.stats.requests).toEqual(0);
  });

  it('reports a removed package', async () => {
    await repo.remove('bar-2.0-1.noarch.rpm');
    const events = await poll('repo-poll/4');
    expect(events.map((event) => event.data)).toEqual([expect.objectContaining({ added: [], updated: [], removed: ['bar.noarch'] })]);
  });

  it('reports an unreachable repository, emits nothing, keeps its snapshot, and diffs from it when it is back', async () => {
    const down = await startDownServer();
    try {
      const before = (await readRepoState(store, KEY))!.state!;
      const downContext = await contextRewriting(store, dir, down.url);
      expect(await poll('repo-poll/5', downContext)).toEqual([]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['unreachable']);
      const after = (await readRepoState(store, KEY))!.state!;
      expect(after.snapshot).toEqual(before.snapshot);
      expect(after.lastError).toContain(`${down.url}/base/repodata/repomd.xml`);
      expect(after.lastErrorAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // A second failing poll is still no event.
      expect(await poll('repo-poll/6', downContext)).toEqual([]);
    } finally {
      await down.close();
    }
    await repo.add([
      { name: 'foo', version: '1.2' },
      { name: 'qux', version: '1.0' },
    ]);
    const events = await poll('repo-poll/7');
    expect(events.map((event) => event.data)).toEqual([
      expect.objectContaining({ added: ['qux.noarch'], updated: [{ name: 'foo', from: '1.1-1', to: '1.2-1', repo: 'BaseOS' }], removed: [] }),
    ]);
    const state = (await readRepoState(store, KEY))!.state!;
    expect(state.lastError).toBeUndefined();
    expect(state.lastErrorAt).toBeUndefined();
  });

  it('records a repository first seen while unreachable only once it answers', async () => {
    await writeImageWithRepos(store, 'team/late:latest', [repoUsage('extras', `${MIRROR}extras/`)]);
    expect(await poll('repo-poll/8')).toEqual([]);
    const extras = outcomes.find((outcome) => outcome.repo.name === 'extras')!;
    expect(extras.status).toEqual('unreachable');
    expect(extras.error).toContain('HTTP 404');
    expect((await readRepoState(store, repoKeyOf(`${MIRROR}extras/`)))!.state!.snapshot).toBeUndefined();
    const extrasRepo = new TestYumRepo(path.join(dir, 'repos', 'extras'), path.join(dir, 'build'));
    await extrasRepo.add([{ name: 'extra', version: '1.0' }]);
    expect(await poll('repo-poll/9')).toEqual([]);
    expect(outcomes.map((outcome) => [outcome.repo.name, outcome.status]).sort()).toEqual([
      ['BaseOS', 'unchanged'],
      ['extras', 'recorded'],
    ]);
  });
});

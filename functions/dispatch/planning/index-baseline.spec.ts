import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { imageName, type ProjectEntry, type ProjectRef } from '../../../shared/index/types';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { buildRecordKey } from '../../../shared/store/keys';
import { IndexSnapshotStore, lastBuiltEntryIn, mergeSnapshot } from './index-baseline';
import { INDEX_SNAPSHOT_KEY } from '../../../shared/cascade/keys';
import type { IndexSnapshot } from '../../../shared/cascade/types';
import { teamEntry as entry } from '../__fixtures__/entries';

const NOW = new Date('2026-12-06T01:00:00.000Z');
const snapshot = (...entries: ProjectEntry[]): IndexSnapshot => ({
  format: 'ccp.index-snapshot/v1',
  commit: 'c1',
  takenAt: '2026-12-01T00:00:00.000Z',
  entries,
});
const ref = (jobId: string): ProjectRef => ({ appId: 'team', jobId, desiredTag: 'latest' });

describe('mergeSnapshot', () => {
  const [a, b] = [entry('a'), entry('b')];
  it.each([
    ['no snapshot yet: one made of what was seen', null, [a], [], ['team/a:latest']],
    ['a new entry: added after the known ones', snapshot(a), [b], [], ['team/a:latest', 'team/b:latest']],
    ['an entry with another configuration: put in its place', snapshot(a, b), [{ ...a, gitBranch: 'devel' }], [], ['team/a:latest', 'team/b:latest']],
    ['a removed entry: taken out', snapshot(a, b), [], [ref('a')], ['team/b:latest']],
  ])('%s', (_name, previous, seen, removed, expected) => {
    const next = mergeSnapshot(previous, seen, removed, NOW);
    expect(next?.entries.map(imageName)).toEqual(expected);
    expect(next?.takenAt).toEqual(NOW.toISOString());
  });

  it.each([
    ['the same entries', [a]],
    ['the same entries moved and renumbered', [{ ...a, id: 4, source: { file: 'x.yaml', line: 7 } }]],
  ])('changes nothing (null: no write) for %s', (_name, seen) => {
    expect(mergeSnapshot(snapshot(a, b), seen, [ref('gone')], NOW)).toEqual(null);
  });

  it('keeps the commit of the snapshot it merged into', () => {
    expect(mergeSnapshot(snapshot(a), [{ ...a, gitBranch: 'devel' }], [], NOW)?.commit).toEqual('c1');
  });
});

describe('IndexSnapshotStore and lastBuiltEntryIn (filesystem store)', () => {
  let dir: string;
  let store: FsObjectStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-baseline-'));
    store = new FsObjectStore(path.join(dir, 'store'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates the snapshot, then writes again only when something changed', async () => {
    const snapshots = new IndexSnapshotStore(store, () => NOW);
    expect(await snapshots.read()).toEqual(null);
    expect(await snapshots.record([entry('a')])).toEqual(true);
    expect(await snapshots.record([{ ...entry('a'), id: 9 }])).toEqual(false);
    expect(await snapshots.read()).toEqual({ format: 'ccp.index-snapshot/v1', takenAt: NOW.toISOString(), entries: [entry('a')] });
  });

  it('loses none of ten recorders writing at once (compare-and-swap, retried)', async () => {
    const snapshots = new IndexSnapshotStore(store);
    const jobs = Array.from({ length: 10 }, (_, k) => `job${k}`);
    expect(await Promise.all(jobs.map((jobId) => snapshots.record([entry(jobId)])))).toEqual(jobs.map(() => true));
    expect((await snapshots.read())?.entries.map((known) => known.jobId).sort()).toEqual(jobs.sort());
  });

  it('replaces a stored object that is no snapshot instead of failing on it', async () => {
    await store.put(INDEX_SNAPSHOT_KEY, '{"not": "a snapshot"}');
    const snapshots = new IndexSnapshotStore(store, () => NOW);
    expect(await snapshots.read()).toEqual(null);
    expect(await snapshots.record([entry('a')])).toEqual(true);
    expect((await snapshots.read())?.entries).toEqual([entry('a')]);
  });

  it('advances to an index read at a push, answering the same change again for the same commit', async () => {
    const snapshots = new IndexSnapshotStore(store, () => NOW);
    await snapshots.record([entry('a'), entry('b')]);
    const change = await snapshots.advance([{ ...entry('a'), gitBranch: 'devel' }, entry('c')], 'c2');
    const names = (refs: readonly ProjectRef[]): string[] => refs.map(imageName);
    expect([names(change.added), names(change.changed), names(change.removed), change.commit]).toEqual([
      ['team/c:latest'],
      ['team/a:latest'],
      ['team/b:latest'],
      'c2',
    ]);
    // A redelivered push whose first delivery died after this write: the change is not lost.
    expect(await snapshots.advance([{ ...entry('a'), gitBranch: 'devel' }, entry('c')], 'c2')).toEqual(change);
    expect(names(await snapshots.advance([{ ...entry('a'), gitBranch: 'devel' }], 'c3').then((next) => next.removed))).toEqual(['team/c:latest']);
    expect((await snapshots.read())?.entries.map(imageName)).toEqual(['team/a:latest']);
  });

  it('gives two pushes read at once one change each, whichever writes first: the newer read never taken back', async () => {
    const snapshots = new IndexSnapshotStore(store, () => NOW);
    await snapshots.record([entry('a')]);
    const [older, newer] = [new Date('2026-12-06T01:00:01Z'), new Date('2026-12-06T01:00:02Z')];
    const changes = await Promise.all([
      snapshots.advance([entry('a'), entry('b')], 'c2', older),
      snapshots.advance([entry('a'), entry('b'), entry('c')], 'c3', newer),
    ]);
    const all = changes.flatMap((change) => [...change.added, ...change.changed, ...change.removed].map(imageName)).sort();
    // b announced once, c once, nothing removed: the older read either went first or announces nothing.
    expect(all).toEqual(['team/b:latest', 'team/c:latest']);
    expect((await snapshots.read())?.commit).toEqual('c3');
  });

  it('answers the entry of the newest build record, and null for an image never built', async () => {
    const record = (project: ProjectRef, buildId: string, built: ProjectEntry) =>
      store.put(buildRecordKey(project, buildId), JSON.stringify({ buildId, project, status: 'succeeded', entry: built }));
    await record(ref('a'), '20261201T000000Z-aaaaaaaaaa', entry('a', { gitBranch: 'old' }));
    await record(ref('a'), '20261205T000000Z-bbbbbbbbbb', entry('a', { gitBranch: 'new' }));
    // A job id may hold `/`: the records of `team/x/y:latest` sit below those of `team/x:y`.
    await record({ appId: 'team', jobId: 'x/y', desiredTag: 'latest' }, '20261205T000000Z-cccccccccc', entry('x/y'));
    const lastBuilt = lastBuiltEntryIn(store);
    expect((await lastBuilt(ref('a')))?.gitBranch).toEqual('new');
    expect(await lastBuilt(ref('never'))).toEqual(null);
    expect(await lastBuilt({ appId: 'team', jobId: 'x', desiredTag: 'y' })).toEqual(null);
    expect((await lastBuilt({ appId: 'team', jobId: 'x/y', desiredTag: 'latest' }))?.jobId).toEqual('x/y');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { FROM_PARENTS_KEY } from '../../../shared/cascade/keys';
import { LearnedParentsStore, addLearnedEdges, missingLearnedEdges } from './learned-parents';

/** base <- mid <- leaf by depends-on; other stands alone. */
const graph = (): DependencyGraph =>
  DependencyGraph.fromParents({ 't/base:1': [], 't/mid:1': ['t/base:1'], 't/leaf:1': ['t/mid:1'], 't/other:1': [], 't/ext-child:1': ['up/external:1'] });

describe('missingLearnedEdges', () => {
  it.each([
    ['a new edge between two projects', { 't/other:1': ['t/base:1'] }, [{ child: 't/other:1', parent: 't/base:1' }], []],
    ['an edge depends-on has already', { 't/mid:1': ['t/base:1'] }, [], []],
    ['a child no longer in the index', { 't/gone:1': ['t/base:1'] }, [], [{ child: 't/gone:1', parent: 't/base:1' }]],
    ['a parent no longer in the index', { 't/other:1': ['t/gone:1'] }, [], [{ child: 't/other:1', parent: 't/gone:1' }]],
    ['a parent that is only a depends-on name', { 't/other:1': ['up/external:1'] }, [], [{ child: 't/other:1', parent: 'up/external:1' }]],
    [
      'several, sorted',
      { 't/other:1': ['t/mid:1', 't/base:1'], 't/base:1': ['t/other:1'] },
      [
        { child: 't/base:1', parent: 't/other:1' },
        { child: 't/other:1', parent: 't/base:1' },
        { child: 't/other:1', parent: 't/mid:1' },
      ],
      [],
    ],
  ])('%s', (_name, learned, edges, gone) => {
    expect(missingLearnedEdges(graph(), learned)).toEqual({ edges, gone });
  });
});

describe('addLearnedEdges', () => {
  it('adds edges and leaves out, with its loop, one that would close a cycle', () => {
    const target = graph();
    const { added, cycles } = addLearnedEdges(target, [
      { child: 't/other:1', parent: 't/leaf:1' },
      { child: 't/base:1', parent: 't/other:1' },
    ]);
    expect(added).toEqual([{ child: 't/other:1', parent: 't/leaf:1' }]);
    expect(cycles).toEqual([{ child: 't/base:1', parent: 't/other:1', cycle: ['t/base:1', 't/other:1', 't/leaf:1', 't/mid:1'] }]);
    expect(target.rebuildPlan(['t/base:1'])).toEqual([['t/base:1'], ['t/mid:1'], ['t/leaf:1'], ['t/other:1']]);
    expect(target.findCycles()).toEqual([]);
  });

  it('leaves out an image built FROM itself', () => {
    expect(addLearnedEdges(graph(), [{ child: 't/base:1', parent: 't/base:1' }]).cycles).toEqual([
      { child: 't/base:1', parent: 't/base:1', cycle: ['t/base:1'] },
    ]);
  });
});

describe('LearnedParentsStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-learned-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('records, replaces and forgets the parents of a child, in one object', async () => {
    const store = new FsObjectStore(dir);
    const learned = new LearnedParentsStore(store);
    expect(await learned.read()).toEqual({});
    expect(await learned.record('t/leaf:1', ['t/mid:1', 't/base:1', 't/mid:1', 't/leaf:1'])).toBe(true);
    expect(await learned.record('t/other:1', ['t/base:1'])).toBe(true);
    expect(await learned.record('t/leaf:1', ['t/base:1', 't/mid:1'])).toBe(false);
    expect(JSON.parse((await store.get(FROM_PARENTS_KEY))!.body.toString('utf8'))).toEqual({ 't/leaf:1': ['t/base:1', 't/mid:1'], 't/other:1': ['t/base:1'] });
    expect(await learned.record('t/leaf:1', ['t/mid:1'])).toBe(true);
    expect(await learned.record('t/other:1', [])).toBe(true);
    expect(await learned.read()).toEqual({ 't/leaf:1': ['t/mid:1'] });
  });

  it('keeps what two writers learn at once', async () => {
    const store = new FsObjectStore(dir);
    const children = Array.from({ length: 8 }, (_, i) => `t/child${i}:1`);
    await Promise.all(children.map((child) => new LearnedParentsStore(store).record(child, ['t/base:1'])));
    expect(Object.keys(await new LearnedParentsStore(store).read()).sort()).toEqual(children);
  });
});

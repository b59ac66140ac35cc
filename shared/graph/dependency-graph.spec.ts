import { imageName, type ProjectEntry } from '../index/types';
import { DependencyGraph } from './dependency-graph';
import { DependencyCycleError, formatCycle } from './errors';

/**
 *        os            (external: registry.example.org/up/base:1 -> os)
 *       /  \
 *   python  node
 *     |  \  /
 *    web  api          (api has two parents: a diamond)
 *           |
 *         worker
 */
const DIAMOND = {
  'base/os:9': ['registry.example.org/up/base:1'],
  'base/python:3': ['base/os:9'],
  'base/node:20': ['base/os:9'],
  'apps/web:latest': ['base/python:3'],
  'apps/api:latest': ['base/python:3', 'base/node:20'],
  'apps/worker:latest': ['apps/api:latest'],
  'tools/lint:1': [],
};

const entry = (name: string, dependsOn: string[]): ProjectEntry => {
  const [appId, rest] = name.split('/') as [string, string];
  const [jobId, desiredTag] = rest.split(':') as [string, string];
  return {
    id: 1,
    appId,
    jobId,
    desiredTag,
    gitUrl: `https://example.com/${appId}.git`,
    gitBranch: 'main',
    gitPath: '',
    targetFile: 'Dockerfile',
    buildContext: './',
    notifyEmail: ['team@example.com'],
    dependsOn,
    source: { file: `${appId}.yaml`, line: 2 },
  };
};

describe('DependencyGraph queries', () => {
  const graph = DependencyGraph.fromParents(DIAMOND);

  it('builds the same graph from index entries', () => {
    const fromEntries = new DependencyGraph(Object.entries(DIAMOND).map(([name, parents]) => entry(name, parents)));
    expect(fromEntries.children('base/python:3')).toEqual(graph.children('base/python:3'));
    expect(fromEntries.rebuildPlan(['base/os:9'])).toEqual(graph.rebuildPlan(['base/os:9']));
    expect(imageName(entry('a/b:1', []))).toEqual('a/b:1');
  });

  it.each([
    ['base/os:9', ['registry.example.org/up/base:1'], ['base/node:20', 'base/python:3'], 1],
    ['apps/api:latest', ['base/node:20', 'base/python:3'], ['apps/worker:latest'], 3],
    ['apps/worker:latest', ['apps/api:latest'], [], 4],
    ['tools/lint:1', [], [], 0],
    ['registry.example.org/up/base:1', [], ['base/os:9'], 0],
  ])('%s: parents, children, depth', (name, parents, children, depth) => {
    expect(graph.parents(name)).toEqual(parents);
    expect(graph.children(name)).toEqual(children);
    expect(graph.depth(name)).toEqual(depth);
  });

  it.each([
    ['base/python:3', ['apps/api:latest', 'apps/web:latest', 'apps/worker:latest']],
    ['base/os:9', ['apps/api:latest', 'apps/web:latest', 'apps/worker:latest', 'base/node:20', 'base/python:3']],
    ['apps/worker:latest', []],
  ])('descendants of %s', (name, descendants) => {
    expect(graph.descendants(name)).toEqual(descendants);
  });

  it('answers unknown names with empty lists and a null depth', () => {
    expect(graph.has('nobody/none:1')).toBe(false);
    expect(graph.parents('nobody/none:1')).toEqual([]);
    expect(graph.children('nobody/none:1')).toEqual([]);
    expect(graph.descendants('nobody/none:1')).toEqual([]);
    expect(graph.depth('nobody/none:1')).toBeNull();
  });

  it('tells projects from parents it only knows by name', () => {
    expect(graph.size).toEqual(8);
    expect(graph.isProject('base/os:9')).toBe(true);
    expect(graph.isProject('registry.example.org/up/base:1')).toBe(false);
  });
});

describe('DependencyGraph.rebuildPlan', () => {
  const graph = DependencyGraph.fromParents(DIAMOND);

  it.each([
    ['a leaf', ['apps/web:latest'], [['apps/web:latest']]],
    [
      'the root: the diamond child waits for both parents',
      ['base/os:9'],
      [['base/os:9'], ['base/node:20', 'base/python:3'], ['apps/api:latest', 'apps/web:latest'], ['apps/worker:latest']],
    ],
    ['one side of the diamond', ['base/node:20'], [['base/node:20'], ['apps/api:latest'], ['apps/worker:latest']]],
    [
      'both sides of the diamond: api once, after both',
      ['base/node:20', 'base/python:3'],
      [['base/node:20', 'base/python:3'], ['apps/api:latest', 'apps/web:latest'], ['apps/worker:latest']],
    ],
    [
      'a changed image below another changed image waits for it',
      ['base/os:9', 'apps/api:latest'],
      [['base/os:9'], ['base/node:20', 'base/python:3'], ['apps/api:latest', 'apps/web:latest'], ['apps/worker:latest']],
    ],
    ['two unrelated roots', ['tools/lint:1', 'base/node:20'], [['base/node:20', 'tools/lint:1'], ['apps/api:latest'], ['apps/worker:latest']]],
    [
      'an external parent: its children, not itself',
      ['registry.example.org/up/base:1'],
      [['base/os:9'], ['base/node:20', 'base/python:3'], ['apps/api:latest', 'apps/web:latest'], ['apps/worker:latest']],
    ],
    ['the same name twice', ['apps/worker:latest', 'apps/worker:latest'], [['apps/worker:latest']]],
    ['unknown names, ignored', ['nobody/none:1', 'apps/web:latest'], [['apps/web:latest']]],
    ['only unknown names: nothing', ['nobody/none:1'], []],
    ['nothing', [], []],
  ])('plans %s', (_case, changed, plan) => {
    expect(graph.rebuildPlan(changed)).toEqual(plan);
  });

  it('plans each image exactly once, after all of its changed ancestors', () => {
    const plan = graph.rebuildPlan(['base/os:9']);
    const batchOf = new Map(plan.flatMap((batch, i) => batch.map((name) => [name, i] as const)));
    expect(batchOf.size).toEqual(plan.flat().length);
    for (const [name, batch] of batchOf) {
      for (const parent of graph.parents(name)) if (batchOf.has(parent)) expect(batchOf.get(parent)!).toBeLessThan(batch);
    }
  });

  it('never plans images on a dependency cycle', () => {
    const looped = DependencyGraph.fromParents({ 'a/root:1': [], 'a/x:1': ['a/root:1', 'a/y:1'], 'a/y:1': ['a/x:1'], 'a/leaf:1': ['a/root:1'] });
    expect(looped.rebuildPlan(['a/root:1'])).toEqual([['a/root:1'], ['a/leaf:1']]);
    expect(looped.depth('a/x:1')).toBeNull();
  });
});

describe('DependencyGraph.addParent', () => {
  it('adds an edge learnt from a FROM line, and the plan follows it', () => {
    const graph = DependencyGraph.fromParents(DIAMOND);
    expect(graph.addParent('tools/lint:1', 'base/python:3')).toBe(true);
    expect(graph.addParent('tools/lint:1', 'base/python:3')).toBe(false);
    expect(graph.parents('tools/lint:1')).toEqual(['base/python:3']);
    expect(graph.depth('tools/lint:1')).toEqual(3);
    expect(graph.rebuildPlan(['base/python:3'])).toEqual([['base/python:3'], ['apps/api:latest', 'apps/web:latest', 'tools/lint:1'], ['apps/worker:latest']]);
  });

  it('adds unknown names as nodes that are not projects', () => {
    const graph = DependencyGraph.fromParents(DIAMOND);
    graph.addParent('apps/web:latest', 'quay.io/extra/layer:2');
    expect(graph.isProject('quay.io/extra/layer:2')).toBe(false);
    expect(graph.rebuildPlan(['quay.io/extra/layer:2'])).toEqual([['apps/web:latest']]);
  });

  it.each([
    ['itself', 'apps/web:latest', 'apps/web:latest', ['apps/web:latest']],
    ['its child', 'base/python:3', 'apps/web:latest', ['base/python:3', 'apps/web:latest']],
    ['a grandchild', 'base/node:20', 'apps/worker:latest', ['base/node:20', 'apps/worker:latest', 'apps/api:latest']],
  ])('refuses to make an image depend on %s', (_case, child, parent, cycle) => {
    const graph = DependencyGraph.fromParents(DIAMOND);
    const error = (() => {
      try {
        graph.addParent(child, parent);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(cycle);
    expect(graph.parents(child)).not.toContain(parent);
  });
});

describe('DependencyGraph.findCycles', () => {
  it.each([
    ['no cycle', DIAMOND, []],
    ['a self-dependency', { 'c/c:7': ['c/c:7'] }, [['c/c:7']]],
    ['a pair', { 'a/b:1': ['c/d:2'], 'c/d:2': ['a/b:1'] }, [['a/b:1', 'c/d:2']]],
    [
      'two separate loops',
      { 'x/a:1': ['x/b:1'], 'x/b:1': ['x/a:1'], 'y/a:1': ['y/c:1'], 'y/b:1': ['y/a:1'], 'y/c:1': ['y/b:1'] },
      [
        ['x/a:1', 'x/b:1'],
        ['y/a:1', 'y/c:1', 'y/b:1'],
      ],
    ],
    ['a loop below a root', { 'r/r:1': [], 'l/a:1': ['r/r:1', 'l/b:1'], 'l/b:1': ['l/a:1'] }, [['l/a:1', 'l/b:1']]],
  ])('%s', (_case, parentsOf, cycles) => {
    expect(DependencyGraph.fromParents(parentsOf).findCycles()).toEqual(cycles);
  });

  it('copes with a chain far deeper than the call stack', () => {
    const parentsOf: Record<string, string[]> = {};
    for (let i = 0; i < 50_000; i++) parentsOf[`chain/n${i}:1`] = i === 0 ? ['chain/n49999:1'] : [`chain/n${i - 1}:1`];
    const cycles = DependencyGraph.fromParents(parentsOf).findCycles();
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(50_000);
  });

  it.each([
    [['a/b:1', 'c/d:2'], 'a/b:1 -> c/d:2 -> a/b:1'],
    [['a/b:1'], 'a/b:1 -> a/b:1'],
  ])('formats %j as %s', (cycle, text) => {
    expect(formatCycle(cycle)).toEqual(text);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { packageRoot } from '../shared/config/package-root';
import { DependencyGraph } from '../shared/graph/dependency-graph';
import { writeGeneratedIndex } from '../shared/index/generate-index';
import { loadIndexFromDir } from '../shared/index/load-dir';
import type { Bench, BenchResult } from './types';

const LOAD_GOAL_MS = 1000;
const MEMORY_GOAL_MB = 200;
const PLAN_GOAL_MS = 20;

/**
 * Index and dependency graph: load + validate of the real fixture index and of a generated
 * 10,000-project index (100 files, chains 5 deep), the memory that load keeps and costs, and the
 * rebuild plan for a root with 2,000 descendants.
 */
export const indexGraphBench: Bench = async () => {
  const gc = exposeGc();
  const results: BenchResult[] = [];

  // From the package root: the bench runs from dist/bench, which has no copy of test/.
  const fixtures = path.join(packageRoot(), 'test', '__fixtures__', 'centos', 'container-index');
  const fixtureTimes = await timeRuns(5, () => loadIndexFromDir(fixtures));
  const fixtureIndex = await loadIndexFromDir(fixtures);
  results.push({
    name: 'load + validate the fixture index (34 files)',
    value: round(median(fixtureTimes)),
    unit: 'ms',
    note: `median of 5; ${fixtureIndex.projects.length} projects, ${fixtureIndex.errors.length} errors`,
  });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-index-'));
  try {
    const generated = await writeGeneratedIndex(dir, { projects: 10_000, files: 100, chainDepth: 5, rootFamilySize: 2_001 });

    gc();
    const before = process.memoryUsage();
    const coldStart = performance.now();
    const index = await loadIndexFromDir(dir);
    const coldMs = performance.now() - coldStart;
    const peakRss = process.memoryUsage().rss;
    gc();
    const after = process.memoryUsage();
    if (index.projects.length !== 10_000 || index.errors.length > 0)
      throw new Error(`generated index: ${index.projects.length} projects, ${index.errors.length} errors`);

    const warmTimes = await timeRuns(3, () => loadIndexFromDir(dir));
    const loadMs = Math.max(coldMs, median(warmTimes));
    results.push({
      name: 'load + validate 10,000 projects (100 files, chains 5 deep)',
      value: round(coldMs),
      unit: 'ms',
      goal: `< ${LOAD_GOAL_MS} ms`,
      met: loadMs < LOAD_GOAL_MS,
      note: `first run; warm median of 3: ${round(median(warmTimes))} ms`,
    });
    const rssGrowth = (peakRss - before.rss) / 2 ** 20;
    results.push({
      name: 'memory growth of that load (RSS, peak)',
      value: round(rssGrowth),
      unit: 'MB',
      goal: `< ${MEMORY_GOAL_MB} MB`,
      met: rssGrowth < MEMORY_GOAL_MB,
      note: `heap kept after GC: ${round((after.heapUsed - before.heapUsed) / 2 ** 20)} MB`,
    });

    const buildStart = performance.now();
    const graph = new DependencyGraph(index.projects);
    const buildMs = performance.now() - buildStart;
    results.push({ name: 'build the dependency graph of 10,000 projects', value: round(buildMs), unit: 'ms' });

    const planned = graph.rebuildPlan([generated.root]).flat().length;
    if (planned !== generated.rootDescendants + 1) throw new Error(`plan has ${planned} images, expected ${generated.rootDescendants + 1}`);
    const planTimes = await timeRuns(21, async () => graph.rebuildPlan([generated.root]));
    const planMs = median(planTimes);
    results.push({
      name: `rebuild plan for a root with ${generated.rootDescendants} descendants`,
      value: round(planMs, 3),
      unit: 'ms',
      goal: `< ${PLAN_GOAL_MS} ms`,
      met: planMs < PLAN_GOAL_MS,
      note: `median of 21; slowest ${round(Math.max(...planTimes), 3)} ms`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
};

async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

/** A full garbage collection, so memory deltas measure what is kept, not what is pending. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  return gc ?? (() => undefined);
}

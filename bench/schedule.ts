import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedScheduling, runProjects } from '../cli/commands/run';
import { startEmbeddedRuntime } from '../cli/runtime';
import { removeStorage } from '../functions/build/builders/local';
import { loadConfig } from '../shared/config/config';
import { recordCompletion, releaseReady } from '../functions/dispatch/planning/cascade-advance';
import { planCascade } from '../functions/dispatch/planning/cascade-plan';
import type { CascadeItem, CascadeRecord } from '../shared/cascade/types';
import { EventTypes } from '../shared/events/types';
import { type BuildCompletedData } from '../shared/events/contracts/build-completed';
import { createLocalRepo, type LocalRepo } from '../shared/git/local-repo';
import { DependencyGraph } from '../shared/graph/dependency-graph';
import { BUSYBOX_IMAGE } from '../test/support/images/recipes';
import { pushBaseImage } from '../test/support/images/make-image';
import { imageName, type ProjectEntry } from '../shared/index/types';
import { silentLogger } from '../shared/log/logger';
import type { Bench, BenchResult } from './types';

const GOAL = 1.15;
const SLEEP_S = 3;

function entry(repo: string, jobId: string, dependsOn: string[] = []): ProjectEntry {
  return {
    id: 1,
    appId: 'bench',
    jobId,
    desiredTag: 'latest',
    gitUrl: repo,
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    notifyEmail: [],
    buildContext: './',
    dependsOn,
    source: { file: 'index.d/bench.yaml', line: 1 },
  };
}

/** max(the longest chain, the total build time ÷ slots): no schedule can end sooner. */
function lowerBound(projects: readonly ProjectEntry[], durations: ReadonlyMap<string, number>, slots: number): number {
  const graph = new DependencyGraph(projects);
  const finish = new Map<string, number>();
  const chainEnd = (name: string): number => {
    const known = finish.get(name);
    if (known !== undefined) return known;
    const value =
      Math.max(
        0,
        ...graph
          .parents(name)
          .filter((parent) => durations.has(parent))
          .map(chainEnd),
      ) + (durations.get(name) ?? 0);
    finish.set(name, value);
    return value;
  };
  const total = [...durations.values()].reduce((sum, value) => sum + value, 0);
  return Math.max(Math.max(...projects.map((project) => chainEnd(imageName(project)))), total / slots);
}

/**
 * The dispatcher's cascade (planCascade, releaseReady, recordCompletion: the code `ccp run`
 * uses) driving `slots` builders with synthetic durations: requested builds queue in line for a
 * builder as in the build function, as many as `ccp run` lets the dispatcher request
 * ({@link embeddedScheduling}). Lint takes no time here. Returns the makespan.
 */
function simulate(projects: readonly ProjectEntry[], durations: ReadonlyMap<string, number>, slots: number): number {
  const maxInFlight = embeddedScheduling({ build: { concurrency: slots }, dispatch: { coalesceMs: 0, maxInFlight: 10 } }).dispatch!.maxInFlight;
  const graph = new DependencyGraph(projects);
  const entries = new Map(projects.map((project) => [imageName(project), project]));
  const now = new Date(0);
  const cause = { kind: 'manual' as const, message: 'bench' };
  let record: CascadeRecord = planCascade({
    id: 'sim',
    cause,
    seeds: projects.map((project) => ({ entry: project, cause })),
    graph,
    entries,
    maxInFlight,
    now,
  })!;
  const running: { item: CascadeItem; ends: number }[] = [];
  const line: CascadeItem[] = [];
  const start = (items: CascadeItem[], at: number): void => {
    line.push(...items);
    while (running.length < slots && line.length > 0) {
      const item = line.shift()!;
      running.push({ item, ends: at + durations.get(item.name)! });
    }
  };
  const first = releaseReady(record, now);
  record = first.record;
  start(first.requested, 0);
  let clock = 0;
  while (running.length > 0) {
    running.sort((a, b) => a.ends - b.ends);
    const done = running.shift()!;
    clock = done.ends;
    const data: BuildCompletedData = {
      buildId: done.item.buildId,
      project: done.item.project,
      entry: done.item.entry,
      status: 'succeeded',
      reports: { log: '' },
      timings: { startedAt: '', finishedAt: '', durationMs: 0 },
      cause: done.item.cause,
      causeChain: [],
    };
    const step = recordCompletion(record, data, now)!;
    record = step.record;
    start(step.requested, clock);
  }
  return clock;
}

/** The same builds taken by depth, as before: every build of one depth before any of the next. */
function byDepth(projects: readonly ProjectEntry[], durations: ReadonlyMap<string, number>, slots: number): number {
  const graph = new DependencyGraph(projects);
  let clock = 0;
  for (const batch of graph.rebuildPlan(projects.map(imageName))) {
    const free = new Array<number>(slots).fill(clock);
    for (const name of batch) {
      free.sort((a, b) => a - b);
      free[0] = free[0]! + durations.get(name)!;
    }
    clock = Math.max(...free);
  }
  return clock;
}

/** A deterministic pseudo-random sequence (mulberry32), so every run simulates the same index. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 200 projects shaped like the CentOS index: a few base images, most projects one level on,
 * fewer deeper, depth 4; build times 30 s to 10 min, long-tailed.
 */
function centosLike(): { projects: ProjectEntry[]; durations: Map<string, number> } {
  const next = random(14);
  const levels = [4, 110, 60, 20, 6];
  const projects: ProjectEntry[] = [];
  const byLevel: string[][] = [];
  levels.forEach((size, level) => {
    byLevel.push([]);
    for (let index = 0; index < size; index++) {
      const jobId = `l${level}-${index}`;
      const above = byLevel[level - 1] ?? [];
      const parents = above.length === 0 ? [] : [above[Math.floor(next() * above.length)]!];
      projects.push(entry('https://example.org/r', jobId, parents));
      byLevel[level]!.push(`bench/${jobId}:latest`);
    }
  });
  const durations = new Map(projects.map((project) => [imageName(project), Math.round(30 + 570 * next() ** 3)]));
  return { projects, durations };
}

/** The six-project case: a chain a→b→c and three independent projects, each a RUN sleep. */
function sixProjects(repo: string): ProjectEntry[] {
  return [entry(repo, 'a'), entry(repo, 'b', ['bench/a:latest']), entry(repo, 'c', ['bench/b:latest']), entry(repo, 'x'), entry(repo, 'y'), entry(repo, 'z')];
}

async function realSix(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-schedule-'));
  const config = embeddedScheduling({ ...loadConfig({ dataDir: path.join(dir, 'data') }, {}), build: { concurrency: 2 } });
  try {
    const repo: LocalRepo = await createLocalRepo('main', path.join(dir, 'repo'));
    const stamp = Date.now();
    const from: Record<string, string> = {
      a: 'bench/busybox:latest',
      b: 'bench/a:latest',
      c: 'bench/b:latest',
      x: 'bench/busybox:latest',
      y: 'bench/busybox:latest',
      z: 'bench/busybox:latest',
    };
    const files: Record<string, string> = {};
    for (const [name, parent] of Object.entries(from))
      files[`${name}/Dockerfile`] = `FROM ${parent}\nRUN sleep ${SLEEP_S} && echo ${name}-${stamp} > /${name}\n`;
    await repo.commit(files, 'six projects');
    const projects = sixProjects(repo.url);
    const runtime = await startEmbeddedRuntime(config, silentLogger, { projects });
    try {
      await pushBaseImage(BUSYBOX_IMAGE, { ref: 'bench/busybox:latest', registry: runtime.registry!.access });
      const durations = new Map<string, number>();
      let lastBuild = 0;
      const stop = runtime.broker.on('delivered', ({ emitted }) => {
        for (const event of emitted) {
          if (event.type !== EventTypes.buildCompleted) continue;
          const data = event.data as BuildCompletedData;
          durations.set(imageName(data.project), data.timings.durationMs / 1000);
          lastBuild = performance.now();
        }
      });
      const started = performance.now();
      const { projects: summary } = await runProjects(runtime, projects, projects, () => undefined);
      stop();
      const failed = summary.filter((project) => project.build.status !== 'succeeded');
      if (failed.length > 0) throw new Error(`bench builds failed: ${failed.map((project) => `${project.project}: ${project.build.reason}`).join('; ')}`);
      const makespan = (lastBuild - started) / 1000;
      const bound = lowerBound(projects, durations, 2);
      const ratio = makespan / bound;
      return [
        {
          name: 'six projects (chain a→b→c + 3), buildah, 2 builds at once',
          value: makespan,
          unit: 's',
          note: `first request → last build.completed, lint included; builds ${[...durations.values()].map((value) => value.toFixed(1)).join(', ')} s`,
        },
        {
          name: 'six projects: makespan ÷ lower bound',
          value: ratio,
          unit: 'x',
          goal: `≤ ${GOAL}`,
          met: ratio <= GOAL,
          note: `bound max(chain, total ÷ 2) = ${bound.toFixed(1)} s from the builds' own durations`,
        },
      ];
    } finally {
      await runtime.close();
    }
  } finally {
    await removeStorage(path.join(config.dataDir, 'buildah', 'storage'), path.join(config.dataDir, 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Index-wide build scheduling: the six-project case with real buildah builds through `ccp run`'s
 * code (makespan ÷ lower bound), and a simulation of the cascade scheduler on a 200-project
 * index shaped like the CentOS one with synthetic build times (against taking it depth by depth).
 */
export const scheduleBench: Bench = async () => {
  const results: BenchResult[] = [];
  const { projects, durations } = centosLike();
  for (const slots of [2, 8]) {
    const bound = lowerBound(projects, durations, slots);
    const ratio = simulate(projects, durations, slots) / bound;
    const depth = byDepth(projects, durations, slots) / bound;
    results.push(
      {
        name: `200 projects (CentOS-like, depth 4), ${slots} builders: makespan ÷ bound`,
        value: ratio,
        unit: 'x',
        goal: `≤ ${GOAL}`,
        met: ratio <= GOAL,
        note: 'simulated: the cascade code with synthetic build times',
      },
      { name: `200 projects, ${slots} builders, depth by depth (before)`, value: depth, unit: 'x', note: 'simulated' },
    );
  }
  const six = sixProjects('https://example.org/r');
  const sixDurations = new Map(six.map((project) => [imageName(project), SLEEP_S]));
  results.push({
    name: 'six projects, simulated, 2 builders: makespan ÷ bound',
    value: simulate(six, sixDurations, 2) / lowerBound(six, sixDurations, 2),
    unit: 'x',
    note: `every build ${SLEEP_S} s`,
  });
  results.push(...(await realSix()));
  return results;
};

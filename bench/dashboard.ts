import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { BuildStatus } from '../shared/builds/types';
import type { ProjectEntry } from '../shared/index/types';
import { listen } from '../shared/host/listen';
import { FsObjectStore } from '../shared/store/fs-store';
import type { ObjectStore } from '../shared/store/types';
import { dashboardRoutes } from '../functions/dashboard/routes';
import { readProjectSummaries } from '../functions/dashboard/read-model';
import { renderProjectsPage } from '../functions/dashboard/projects-page';
import { projectEntry, writeBuild, writeScan } from '../test/support/dashboard-store';
import type { Bench, BenchResult } from './types';

/** The size: "fast on a 200-project index". */
const PROJECTS = 200;
const WARM_UP = 3;
const ROUNDS = 25;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const STATUSES: readonly BuildStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'running'];

/**
 * A 200-project index and its store as the pipeline leaves it, written by the pipeline's own
 * writers (test/support/dashboard-store.ts): two builds each (logs through the LogStreamer, a
 * linted Dockerfile every fourth project), a scan every other project, every tenth project never built.
 */
async function writeStore(store: ObjectStore): Promise<ProjectEntry[]> {
  const entries: ProjectEntry[] = [];
  for (let index = 0; index < PROJECTS; index++) {
    const entry = projectEntry(`team-${index % 20}`, `image-${index}`, 'latest', index % 7 === 0 && index > 0 ? { dependsOn: [`team-0/image-0:latest`] } : {});
    entries.push(entry);
    if (index % 10 === 9) continue;
    for (const [build, day] of [
      [0, 1],
      [1, 2],
    ] as const) {
      const status = build === 0 ? 'succeeded' : STATUSES[index % STATUSES.length]!;
      const buildId = `2026120${day}T09${String(index % 60).padStart(2, '0')}00Z-${String(index).padStart(4, '0')}`;
      await writeBuild(store, entry, {
        buildId,
        status,
        cause: { kind: 'git-push', message: `Git commit ${index}abcdef to branch main of repo ${entry.gitUrl}`, commit: `${index}abcdef`, branch: 'main' },
        queuedAt: `2026-12-0${day}T09:${String(index % 60).padStart(2, '0')}:00.000Z`,
        ...(status === 'running' ? {} : { durationMs: 30_000 + index * 100 }),
        ...(status === 'failed' ? { reason: 'RUN exited with 1' } : {}),
        ...(status === 'succeeded' ? { digest: `sha256:${String(index).padStart(64, '0')}` } : {}),
        log: `ccp build of ${entry.appId}/${entry.jobId}\n==> checkout\n==> build\n`,
        ...(index % 4 === 0 ? { dockerfile: 'FROM centos\nUSER root\nRUN cd /tmp && yum -y install httpd\n' } : {}),
      });
      if (build === 1 && index % 2 === 0 && status === 'succeeded')
        await writeScan(store, entry, {
          buildId,
          scannedAt: `2026-12-0${day}T10:00:00.000Z`,
          digest: `sha256:${String(index).padStart(64, '0')}`,
          scanners: { 'rpm-updates': { severities: ['high', 'medium', 'low'] }, 'rpm-verify': { severities: [] } },
        });
    }
  }
  return entries;
}

/** Milliseconds to the response's headers (time to first byte) and to its whole body. */
async function timeGet(url: string): Promise<{ firstByte: number; whole: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const firstByte = performance.now() - started;
  const body = await response.arrayBuffer();
  const whole = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { firstByte, whole, bytes: body.byteLength };
}

/**
 * The projects page (`GET /`) of a 200-project store against the same data served as plain JSON
 * (`JSON.stringify` of the same read model) by the same express app, in the same run: medians of
 * interleaved rounds (the order swapped each round), after a warm-up.
 * @see ../README.md#benchmarks
 */
export const dashboardBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-dashboard-'));
  try {
    const store = new FsObjectStore(path.join(dir, 'store'));
    const entries = await writeStore(store);
    const listProjects = (): Promise<readonly ProjectEntry[]> => Promise.resolve(entries);
    const app = express();
    app.get('/projects.json', (_request, response, next) => {
      readProjectSummaries(store, entries)
        .then((summaries) => response.type('application/json').send(JSON.stringify(summaries)))
        .catch(next);
    });
    app.use(dashboardRoutes({ store, listProjects }));
    const server = await listen(app, { port: 0 });
    try {
      const page = `${server.url}/`;
      const json = `${server.url}/projects.json`;
      const samples = { page: [] as Array<Awaited<ReturnType<typeof timeGet>>>, json: [] as Array<Awaited<ReturnType<typeof timeGet>>> };
      for (let round = 0; round < WARM_UP + ROUNDS; round++) {
        const order = round % 2 === 0 ? (['page', 'json'] as const) : (['json', 'page'] as const);
        for (const which of order) {
          const sample = await timeGet(which === 'page' ? page : json);
          if (round >= WARM_UP) samples[which].push(sample);
        }
      }
      // What the page costs beyond the store reads both share: rendering against stringifying, in process.
      const summaries = await readProjectSummaries(store, entries);
      const cpu = { render: [] as number[], stringify: [] as number[] };
      for (let round = 0; round < WARM_UP + ROUNDS; round++) {
        let started = performance.now();
        renderProjectsPage(summaries, {});
        const render = performance.now() - started;
        started = performance.now();
        JSON.stringify(summaries);
        const stringify = performance.now() - started;
        if (round >= WARM_UP) {
          cpu.render.push(render);
          cpu.stringify.push(stringify);
        }
      }
      // Each round's page and JSON ran back to back: the median of their per-round ratios follows the
      // machine's load less than a ratio of the two medians would.
      const ratio = (field: 'firstByte' | 'whole'): number => median(samples.page.map((sample, round) => sample[field] / samples.json[round]![field]));
      const of = (which: 'page' | 'json', field: 'firstByte' | 'whole'): number => median(samples[which].map((sample) => sample[field]));
      const note = `${PROJECTS} projects, median of ${ROUNDS} interleaved rounds`;
      const results: BenchResult[] = [
        { name: 'projects page: time to first byte', value: of('page', 'firstByte'), unit: 'ms', note },
        { name: 'projects page: whole page received', value: of('page', 'whole'), unit: 'ms', note: `${Math.round(samples.page[0]!.bytes / 1024)} KiB` },
        {
          name: 'same read model as JSON: whole body received',
          value: of('json', 'whole'),
          unit: 'ms',
          note: `${Math.round(samples.json[0]!.bytes / 1024)} KiB`,
        },
        {
          name: 'projects page ÷ JSON: time to first byte',
          value: ratio('firstByte'),
          unit: '×',
          note: 'median of per-round ratios, same express app',
        },
        { name: 'projects page ÷ JSON: whole response', value: ratio('whole'), unit: '×', note: 'median of per-round ratios, same express app' },
        {
          name: 'rendering the page alone (no store reads)',
          value: median(cpu.render),
          unit: 'ms',
          note: `JSON.stringify alone ${median(cpu.stringify).toFixed(2)} ms`,
        },
      ];
      return results;
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

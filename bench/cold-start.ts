import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HTTP, type CloudEvent } from 'cloudevents';
import { FUNCTIONS } from '../functions/api';
import { EventTypes } from '../shared/events/types';
import { makeEvent } from '../shared/events/make';
import { createLocalRepo } from '../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../test/support/images/recipes';
import { pushBaseImage } from '../test/support/images/make-image';
import type { ProjectEntry } from '../shared/index/types';
import { startLocalRegistry } from '../shared/registry/local-registry';
import type { Bench, BenchResult } from './types';

const ROUNDS = 7;
const FIRST_EVENT_ROUNDS = 3;
const TIME_GOAL = 1.5;
const MEMORY_GOAL = 1.3;
/** The image's entry, as func.yaml and the Containerfile start it. */
const ENTRY = path.join(__dirname, '..', 'functions', 'main.js');
const BARE = path.join(__dirname, 'bare-server.js');

interface Start {
  ms: number;
  rssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A port of the loopback interface nobody listens on now (the kernel's pick, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP exchange on 127.0.0.1; rejects when nothing listens (yet). */
function exchange(port: number, method: string, pathname: string, headers: Record<string, string> = {}, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, method, path: pathname, headers }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    call.once('error', reject);
    call.end(body);
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Starts `node script` with `env` (PORT set) and measures, from just before the spawn, until
 * `ask` first succeeds (readiness 200, or the first event handled), and the RSS then.
 */
async function startAndMeasure(script: string, env: NodeJS.ProcessEnv, ask: (port: number) => Promise<boolean>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${script} (${env.FUNCTION ?? 'bare'}) exited with ${child.exitCode} before it answered`);
      if (await ask(port).catch(() => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const ms = performance.now() - started;
    return { ms, rssMb: await rssMb(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

const ready = async (port: number): Promise<boolean> => (await exchange(port, 'GET', '/health/readiness')) === 200;

function posting(event: CloudEvent<unknown>, expected: number): (port: number) => Promise<boolean> {
  const message = HTTP.binary(event);
  return async (port) => {
    const status = await exchange(port, 'POST', '/', message.headers as Record<string, string>, String(message.body));
    if (status !== expected) throw new Error(`${event.type} answered ${status}, not ${expected}`);
    return true;
  };
}

/**
 * Cold start as Knative does it (a fresh `node dist/functions/main.js` with FUNCTION set, per
 * function): time from the spawn to the first 200 of `/health/readiness` and RSS then, each as
 * the ratio to a bare express + cloudevents server (bench/bare-server.ts) started the same way
 * just before, median of the ratios of interleaved rounds (bare, function, bare, function…). Then the time from the spawn
 * to the first event handled: a `build.requested` on lint (a local git repo) and a
 * `scan.requested` on scan (busybox in a local docker-registry).
 */
export const coldStartBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-cold-'));
  const registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  try {
    const base = { CCP_DATA_DIR: path.join(dir, 'data'), CCP_REGISTRY: registry.address };
    const names = [...FUNCTIONS.keys()];
    const bare: Start[] = [];
    // Each function start is paired with a bare start just before it: the machine is shared, and
    // the ratio of a pair moves less with its load than either time does.
    const byFunction = new Map<string, { start: Start; bare: Start }[]>(names.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const yardstick = await startAndMeasure(BARE, {}, ready);
        bare.push(yardstick);
        byFunction.get(name)!.push({ bare: yardstick, start: await startAndMeasure(ENTRY, { ...base, FUNCTION: name }, ready) });
      }
    }
    const bareMs = median(bare.map((start) => start.ms));
    const bareMb = median(bare.map((start) => start.rssMb));
    const results: BenchResult[] = [
      { name: 'bare express + cloudevents server: start to readiness', value: bareMs, unit: 'ms', note: `median of ${bare.length}` },
      { name: 'bare express + cloudevents server: RSS at readiness', value: bareMb, unit: 'MB' },
    ];
    for (const name of names) {
      const pairs = byFunction.get(name)!;
      const time = median(pairs.map((pair) => pair.start.ms / pair.bare.ms));
      const memory = median(pairs.map((pair) => pair.start.rssMb / pair.bare.rssMb));
      const note = `${median(pairs.map((pair) => pair.start.ms)).toFixed(0)} ms, ${median(pairs.map((pair) => pair.start.rssMb)).toFixed(0)} MB; median of ${ROUNDS} paired ratios`;
      results.push(
        { name: `${name}: start to readiness ÷ bare`, value: time, unit: 'x', goal: `≤ ${TIME_GOAL}`, met: time <= TIME_GOAL, note },
        { name: `${name}: RSS at readiness ÷ bare`, value: memory, unit: 'x', goal: `≤ ${MEMORY_GOAL}`, met: memory <= MEMORY_GOAL },
      );
    }

    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit({ 'app/Dockerfile': 'FROM registry.example/busybox:latest\nRUN echo hello > /hello\n' }, 'bench project');
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'bench/busybox:latest', registry: registry.address });
    const entry: ProjectEntry = {
      id: 1,
      appId: 'bench',
      jobId: 'app',
      desiredTag: 'latest',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: 'app',
      targetFile: 'Dockerfile',
      notifyEmail: [],
      buildContext: './',
      dependsOn: [],
      source: { file: 'index.d/bench.yaml', line: 1 },
    };
    const firstEvents: [string, string, (round: number) => CloudEvent<unknown>][] = [
      [
        'lint',
        'build.requested on lint (local git repo)',
        (round) =>
          makeEvent(
            EventTypes.buildRequested,
            { project: entry, entry, buildId: `cold-${round}`, cause: { kind: 'manual', message: 'bench' } },
            { source: '/bench' },
          ),
      ],
      [
        'scan',
        'scan.requested on scan (busybox, local registry)',
        (round) =>
          makeEvent(
            EventTypes.scanRequested,
            {
              project: { appId: 'bench', jobId: 'busybox', desiredTag: 'latest' },
              image: { ref: `${registry.address}/bench/busybox:latest` },
              reason: 'manual',
              buildId: `cold-${round}`,
            },
            { source: '/bench' },
          ),
      ],
    ];
    for (const [name, label, event] of firstEvents) {
      const times: number[] = [];
      for (let round = 0; round < FIRST_EVENT_ROUNDS; round++)
        times.push((await startAndMeasure(ENTRY, { ...base, FUNCTION: name }, posting(event(round), 200))).ms);
      results.push({
        name: `start to first event handled: ${label}`,
        value: median(times),
        unit: 'ms',
        note: `median of ${FIRST_EVENT_ROUNDS}; bare readiness ${bareMs.toFixed(0)} ms`,
      });
    }
    return results;
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

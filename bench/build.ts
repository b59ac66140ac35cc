import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedRuntime, type EmbeddedRuntime } from '../cli/runtime';
import { buildLabels } from '../functions/build';
import { registriesConf } from '../functions/build/builders/buildah/registries-conf';
import { removeStorage, storageDriverFor } from '../functions/build/builders/local';
import type { RegistryAccess } from '../shared/builds/builder-types';
import { loadConfig, type Config } from '../shared/config/config';
import { EventTypes } from '../shared/events/types';
import { makeEvent } from '../shared/events/make';
import { type BuildCompletedData } from '../shared/events/contracts/build-completed';
import { createLocalRepo, type LocalRepo } from '../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../test/support/images/recipes';
import { pushBaseImage } from '../test/support/images/make-image';
import { imageName, type ProjectEntry } from '../shared/index/types';
import { silentLogger } from '../shared/log/logger';
import type { Bench, BenchResult } from './types';

const exec = promisify(execFile);
const ROUNDS = 5;

function entry(repo: LocalRepo, jobId: string): ProjectEntry {
  return {
    id: 1,
    appId: 'bench',
    jobId,
    gitUrl: repo.url,
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: [],
    buildContext: './',
    dependsOn: [],
    source: { file: 'index.d/bench.yaml', line: 1 },
  };
}

/**
 * Publishes `build.requested` for each project and resolves when every `build.completed` is out
 * (later stages not waited for): the time from the first request, and from the last
 * `lint.completed` (the build function's share).
 */
async function buildThrough(runtime: EmbeddedRuntime, projects: ProjectEntry[], round: string): Promise<{ total: number; fromLint: number }> {
  const pending = new Set(projects.map((project) => `${round}-${project.jobId}`));
  const failures: string[] = [];
  let linted = 0;
  const done = new Promise<void>((resolve) => {
    const stop = runtime.broker.on('delivered', ({ emitted }) => {
      for (const event of emitted) {
        if (event.type === EventTypes.lintCompleted) linted = performance.now();
        if (event.type !== EventTypes.buildCompleted) continue;
        const data = event.data as BuildCompletedData;
        if (!pending.delete(data.buildId)) continue;
        if (data.status !== 'succeeded') failures.push(`${imageName(data.project)}: ${data.reason}`);
        if (pending.size === 0) {
          stop();
          resolve();
        }
      }
    });
  });
  const started = performance.now();
  for (const project of projects) {
    const data = { project, entry: project, buildId: `${round}-${project.jobId}`, cause: { kind: 'manual' as const, message: 'bench' } };
    await runtime.broker.publish(makeEvent(EventTypes.buildRequested, data, { source: '/bench' }));
  }
  await done;
  const ended = performance.now();
  await runtime.broker.idle();
  if (failures.length > 0) throw new Error(`bench builds failed: ${failures.join('; ')}`);
  return { total: ended - started, fromLint: ended - linted };
}

/** The same `buildah bud` (same labels, storage and registries.conf) and `buildah push`, run directly. */
async function buildDirectly(config: Config, access: RegistryAccess, checkout: string, project: ProjectEntry, commit: string, round: number): Promise<number> {
  const registry = access.address;
  // The runtime's registry asks for a login; the pipeline passes it in an auth file, so does this.
  const authFile = path.join(checkout, '..', 'auth.json');
  await writeFile(authFile, JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${access.username}:${access.password}`).toString('base64') } } }), {
    mode: 0o600,
  });
  const root = path.join(config.dataDir, 'buildah', 'storage');
  const runroot = path.join(config.dataDir, 'buildah', 'run');
  const storage = ['--root', root, '--runroot', runroot, '--storage-driver', await storageDriverFor(root, runroot)];
  const conf = path.join(checkout, '..', 'registries.conf');
  await writeFile(conf, registriesConf({ registry: { address: registry, tlsVerify: false }, parentImages: {} }));
  const ref = `${registry}/bench/${project.jobId}:latest`;
  const labels = buildLabels({
    entry: project,
    commit,
    buildId: `direct-${round}`,
    cause: { kind: 'manual', message: 'bench' },
    causeChain: [],
    created: new Date(),
  });
  const labelArgs = Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  const env = { ...process.env, CONTAINERS_REGISTRIES_CONF: conf, BUILDAH_ISOLATION: 'chroot' };
  const started = performance.now();
  const dockerfile = path.join(checkout, project.gitPath, 'Dockerfile');
  await exec(
    'buildah',
    [
      ...storage,
      'bud',
      '--isolation',
      'chroot',
      '--layers',
      '--pull=true',
      '--tls-verify=false',
      '--authfile',
      authFile,
      '-f',
      dockerfile,
      '-t',
      ref,
      ...labelArgs,
      path.join(checkout, project.gitPath),
    ],
    { env },
  );
  await exec(
    'buildah',
    [...storage, 'push', '--tls-verify=false', '--authfile', authFile, '--digestfile', path.join(checkout, '..', 'digest'), ref, `docker://${ref}`],
    { env },
  );
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Pipeline overhead (build.requested → build.completed through the embedded broker, lint and
 * checkout included, against the same `buildah bud` + `buildah push` run directly, warm cache,
 * alternating rounds, medians) and parallelism (4 independent projects with a sleeping RUN,
 * build limit 1 against limit 2, each run with fresh content so no layer is cached).
 */
export const buildBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-build-'));
  const config = loadConfig({ dataDir: path.join(dir, 'data') }, {});
  try {
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    const files: Record<string, string> = {
      'one/Dockerfile': 'FROM bench/busybox:latest\nCOPY page.html /srv/page.html\nRUN wc -c /srv/page.html > /srv/size\nCMD ["/bin/sh"]\n',
      'one/page.html': '<p>bench</p>\n',
    };
    const parallel = ['p1', 'p2', 'p3', 'p4'];
    for (const name of parallel) files[`${name}/Dockerfile`] = 'FROM bench/busybox:latest\nCOPY stamp.txt /stamp.txt\nRUN sleep 1 && cat /stamp.txt > /out\n';
    for (const name of parallel) files[`${name}/stamp.txt`] = 'warm\n';
    const commit = await repo.commit(files, 'bench projects');

    let runtime = await startEmbeddedRuntime(config, silentLogger);
    const registry = runtime.registry!.access;
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'bench/busybox:latest', registry });
    const one = entry(repo, 'one');
    const checkout = path.join(dir, 'checkout', 'src');
    await exec('git', ['clone', '--quiet', repo.url, checkout]);

    await buildThrough(runtime, [one], 'warm');
    await buildDirectly(config, registry, checkout, one, commit, 0);
    const pipeline: number[] = [];
    const buildFunction: number[] = [];
    const direct: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const through = await buildThrough(runtime, [one], `overhead${round}`);
      pipeline.push(through.total);
      buildFunction.push(through.fromLint);
      direct.push(await buildDirectly(config, registry, checkout, one, commit, round));
    }
    await runtime.close();

    const timeWith = async (concurrency: number): Promise<number> => {
      const stamps: Record<string, string> = {};
      // Unique per project and run: an identical stamp would let the later builds reuse the first one's cached layers.
      for (const name of parallel) stamps[`${name}/stamp.txt`] = `${name} limit ${concurrency} ${Date.now()}\n`;
      await repo.commit(stamps, `stamps for limit ${concurrency}`);
      runtime = await startEmbeddedRuntime({ ...config, build: { concurrency } }, silentLogger);
      try {
        return (
          await buildThrough(
            runtime,
            parallel.map((name) => entry(repo, name)),
            `limit${concurrency}`,
          )
        ).total;
      } finally {
        await runtime.close();
      }
    };
    const serial = await timeWith(1);
    const twoAtOnce = await timeWith(2);

    const ratio = median(pipeline) / median(direct);
    const results: BenchResult[] = [
      {
        name: 'one build through the pipeline (median)',
        value: median(pipeline),
        unit: 'ms',
        note: 'build.requested → build.completed: lint, checkout, bud, push, records, log',
      },
      {
        name: 'of which the build function (lint.completed → build.completed)',
        value: median(buildFunction),
        unit: 'ms',
        note: 'checkout, bud, push, records, log',
      },
      { name: 'the same buildah bud + push run directly (median)', value: median(direct), unit: 'ms' },
      { name: 'build function overhead', value: median(buildFunction) / median(direct), unit: 'x', note: 'without the lint stage' },
      { name: 'pipeline overhead', value: ratio, unit: 'x', goal: '≤ 1.05', met: ratio <= 1.05, note: `medians of ${ROUNDS} alternating rounds, warm cache` },
      { name: '4 independent builds, limit 1', value: serial, unit: 'ms' },
      { name: '4 independent builds, limit 2', value: twoAtOnce, unit: 'ms' },
      { name: 'parallel speed-up (limit 1 ÷ limit 2)', value: serial / twoAtOnce, unit: 'x', note: `${os.cpus().length} cores` },
    ];
    return results;
  } finally {
    await removeStorage(path.join(config.dataDir, 'buildah', 'storage'), path.join(config.dataDir, 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  }
};

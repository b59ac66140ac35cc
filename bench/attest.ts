import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { attestBuild } from '../functions/build/attest/attest-build';
import { createLocalBuilder, removeStorage } from '../functions/build/builders/local';
import type { BuildLog, BuildSpec } from '../shared/builds/builder-types';
import type { BuildRecord } from '../shared/builds/types';
import { EXAMPLE_CAUSE } from '../shared/events/contracts/examples';
import { createLocalRepo } from '../shared/git/local-repo';
import type { ProjectEntry } from '../shared/index/types';
import { startLocalRegistry } from '../shared/registry/local-registry';
import { FsObjectStore } from '../shared/store/fs-store';
import { BUSYBOX_IMAGE } from '../test/support/images/recipes';
import { pushBaseImage } from '../test/support/images/make-image';
import type { Bench, BenchResult } from './types';

const ROUNDS = 5;
const silent: BuildLog = { write: () => undefined };

/**
 * The cost of signing and attesting a build (provenance, DSSE, cosign `.sig` and `.att` pushed
 * to the registry, both kept in the store) as a ratio to the build's own `buildah push` step:
 * real buildah builds of a git repo, each round a new commit and so a new layer to push.
 */
export const attestBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-attest-'));
  const registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  const storage = { root: path.join(dir, 'buildah', 'root'), runroot: path.join(dir, 'buildah', 'runroot') };
  try {
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'bench/base:latest', registry: registry.address });
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    const builder = createLocalBuilder({ workDir: path.join(dir, 'work'), buildah: storage, retries: 0 });
    const store = new FsObjectStore(path.join(dir, 'store'));
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const access = { address: registry.address, tlsVerify: false };
    const entry: ProjectEntry = {
      id: 1,
      appId: 'bench',
      jobId: 'attested',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: '',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: [],
      buildContext: './',
      dependsOn: ['bench/base:latest'],
      source: { file: 'index.d/bench.yaml', line: 1 },
    };
    const push: number[] = [];
    const attest: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const commit = await repo.commit({ Dockerfile: 'FROM bench/base:latest\nCOPY round.txt /round.txt\n', 'round.txt': `round ${round} ${Math.random()}\n` });
      const buildId = `20261206T000000Z-bench${round}`;
      const imageRef = `${registry.address}/bench/attested:latest`;
      const spec: BuildSpec = {
        buildId,
        entry,
        commit,
        imageRef,
        labels: {},
        registry: access,
        parentImages: { 'bench/base:latest': `${registry.address}/bench/base:latest` },
        timeouts: { prebuildMs: 60_000, buildMs: 120_000 },
      };
      const start = await builder.start(spec, silent, new AbortController().signal);
      if (start.kind !== 'finished' || start.outcome.status !== 'succeeded') throw new Error(`bench build failed: ${JSON.stringify(start)}`);
      const record: BuildRecord = {
        buildId,
        project: { appId: 'bench', jobId: 'attested', desiredTag: 'latest' },
        name: 'bench/attested:latest',
        status: 'running',
        cause: EXAMPLE_CAUSE,
        causeChain: [EXAMPLE_CAUSE],
        commit,
        entry,
        image: { ref: imageRef },
        backend: 'local',
        timings: { queuedAt: new Date().toISOString(), startedAt: new Date().toISOString() },
        links: { log: 'unused' },
        updatedAt: new Date().toISOString(),
      };
      const began = performance.now();
      const line = await attestBuild(record, start.outcome, new Date(), { attestation: { key }, registry: access, store });
      attest.push(performance.now() - began);
      if (!line.includes('signed')) throw new Error(`bench attestation failed: ${line}`);
      push.push(start.outcome.steps.push ?? Number.NaN);
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const results: BenchResult[] = [
      { name: 'buildah push of a build (median)', value: Math.round(median(push)), unit: 'ms' },
      { name: 'sign + attest + push .sig/.att + store (median)', value: Math.round(median(attest) * 10) / 10, unit: 'ms' },
      { name: 'attesting cost per build', value: median(attest) / median(push), unit: 'x push', note: `${ROUNDS} builds, local registry` },
    ];
    return results;
  } finally {
    await registry.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  }
};

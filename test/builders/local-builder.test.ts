import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLocalBuilder } from '../../functions/build/builders/local';
import { removeStorage } from '../../shared/builds/storage';
import type { BuildOutcome, Builder, BuildSpec } from '../../shared/builds/builder-types';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { entryFor, MemoryLog, specFor } from './build-fixtures';
import { HTPASSWD, REGISTRY_PASSWORD, REGISTRY_USER, startRegistryVariant } from './registry-variants';

const exec = promisify(execFile);

const PREBUILD = `#!/bin/sh
set -e
mkdir -p out
echo "made by build $CCP_BUILD_ID at $CCP_COMMIT" > out/built.txt
echo "prebuild sees HOME=$HOME"
env | sort | sed 's/^/env: /'
`;

const DOCKERFILE = `FROM sample/base:latest
COPY out/built.txt /built.txt
RUN cat /built.txt
`;

describe('local builder: buildah against a real registry', () => {
  let dir: string;
  let registry: LocalRegistry;
  let repo: LocalRepo;
  let commit: string;
  /** The manifest digest of the parent in the registry: what the build must report having pulled. */
  let baseDigest: string;
  let builder: Builder;
  let workDir: string;
  const storage = { root: '', runroot: '' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-local-builder-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    baseDigest = (await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: registry.address })).digest;
    repo = await createLocalRepo('master', path.join(dir, 'repo'));
    commit = await repo.commit({
      'app/Dockerfile': DOCKERFILE,
      'app/prebuild.sh': { content: PREBUILD, executable: true },
      'app/fail.sh': 'echo about to fail\nexit 4\n',
      'app/slow.sh': 'echo sleeping\nsleep 31.25\n',
      'app/Dockerfile.run-fails': 'FROM sample/base:latest\nRUN echo broken; exit 3\n',
      'app/Dockerfile.slow': 'FROM sample/base:latest\nRUN sleep 32.5\n',
      'app/Dockerfile.plain': 'FROM sample/base:latest\nRUN echo plain > /plain\n',
      'app/Dockerfile.grandchild': 'FROM sample/child:latest\nRUN echo grandchild > /grandchild\n',
    });
    storage.root = path.join(dir, 'buildah', 'root');
    storage.runroot = path.join(dir, 'buildah', 'runroot');
    workDir = path.join(dir, 'work');
    builder = createLocalBuilder({ workDir, buildah: storage, retries: 0 });
  });

  afterAll(async () => {
    await registry?.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  });

  const access = (): BuildSpec['registry'] => ({ address: registry.address, tlsVerify: false });

  async function build(spec: BuildSpec, signal = new AbortController().signal): Promise<{ outcome: BuildOutcome; log: string }> {
    const log = new MemoryLog();
    const start = await builder.start(spec, log, signal);
    if (start.kind !== 'finished') throw new Error('the local builder finishes in the call');
    // The build folder (checkout, registries.conf, auth file) is gone afterwards.
    expect(await readdir(workDir)).toEqual([]);
    return { outcome: start.outcome, log: log.text };
  }

  it('checks out, runs the prebuild, builds FROM the index parent and pushes with the labels', async () => {
    process.env.CCP_TEST_SECRET = 'must-not-reach-the-prebuild';
    const entry = entryFor(repo.url, { prebuildScript: './prebuild.sh', prebuildContext: 'app' });
    const spec = specFor(entry, commit, access());
    const { outcome, log } = await build(spec);
    delete process.env.CCP_TEST_SECRET;

    expect(outcome).toEqual({
      status: 'succeeded',
      imageRef: spec.imageRef,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      baseImageDigests: [{ ref: `${registry.address}/sample/base:latest`, digest: baseDigest }],
      steps: { checkout: expect.any(Number), prebuild: expect.any(Number), build: expect.any(Number), push: expect.any(Number) },
    });
    expect(log).toContain(`made by build ${spec.buildId} at ${commit}`);
    expect(log.match(/^==> (\w+):/gm)).toEqual(['==> checkout:', '==> prebuild:', '==> build:', '==> push:']);
    const env = log
      .split('\n')
      .filter((line) => line.startsWith('env: '))
      .map((line) => line.slice(5).split('=')[0]);
    expect(env.filter((name) => !['PWD', 'SHLVL', 'OLDPWD', '_'].includes(name!))).toEqual(
      expect.arrayContaining(['CCP_BUILD_ID', 'CCP_COMMIT', 'HOME', 'PATH']),
    );
    expect(env.filter((name) => name!.startsWith('CCP_') && !['CCP_BUILD_ID', 'CCP_COMMIT'].includes(name!))).toEqual([]);
    expect(log).not.toContain('must-not-reach-the-prebuild');

    const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${spec.imageRef}`]);
    const inspected = JSON.parse(stdout) as { Digest: string; Labels: Record<string, string> };
    expect(inspected.Digest).toBe(outcome.digest);
    expect(inspected.Labels).toEqual(expect.objectContaining(spec.labels));
  });

  it.each([
    ['a missing Dockerfile', { targetFile: 'Dockerfile.nope' }, /^Dockerfile app\/Dockerfile\.nope not found in the repository$/, ['checkout', 'build']],
    [
      'a failing prebuild script (not executable: run with sh)',
      { prebuildScript: './fail.sh', prebuildContext: 'app' },
      /^prebuild script \.\/fail\.sh exited with 4$/,
      ['checkout', 'prebuild'],
    ],
    [
      'a missing prebuild script',
      { prebuildScript: './none.sh', prebuildContext: 'app' },
      /^prebuild script app\/none\.sh not found in the repository$/,
      ['checkout', 'prebuild'],
    ],
    ['a failing RUN', { targetFile: 'Dockerfile.run-fails' }, /^RUN echo broken; exit 3 exited with 3 at line 2$/, ['checkout', 'build']],
  ])('%s fails with the reason', async (_name, overrides, reason, steps) => {
    const { outcome, log } = await build(specFor(entryFor(repo.url, overrides), commit, access()));
    expect({ status: outcome.status, reason: outcome.reason, steps: Object.keys(outcome.steps) }).toEqual({
      status: 'failed',
      reason: expect.stringMatching(reason),
      steps,
    });
    expect(log).toContain(`failed after`);
  });

  it("a child of a parent built and pushed from this same storage names the digest the registry serves, not buildah's local one", async () => {
    const parent = await build(specFor(entryFor(repo.url, { targetFile: 'Dockerfile.plain' }), commit, access()));
    expect(parent.outcome.status).toBe('succeeded');
    const grandchild = entryFor(repo.url, { jobId: 'grandchild', targetFile: 'Dockerfile.grandchild', dependsOn: ['sample/child:latest'] });
    const { outcome } = await build(
      specFor(grandchild, commit, access(), { parentImages: { 'sample/child:latest': `${registry.address}/sample/child:latest` } }),
    );
    expect(outcome.baseImageDigests).toEqual([{ ref: `${registry.address}/sample/child:latest`, digest: parent.outcome.digest }]);
    // buildah's storage keeps another digest for the parent it built: the one the registry never had.
    const { stdout } = await exec('buildah', ['--root', storage.root, '--runroot', storage.runroot, 'images', '--json']);
    const stored = (JSON.parse(stdout) as { names?: string[]; digest: string }[]).find((image) =>
      image.names?.includes(`${registry.address}/sample/child:latest`),
    );
    expect(stored?.digest).toMatch(/^sha256:/);
    expect(stored?.digest).not.toBe(parent.outcome.digest);
  });

  it('a prebuild that outlives its timeout is killed with everything it started', async () => {
    const spec = specFor(entryFor(repo.url, { prebuildScript: './slow.sh', prebuildContext: 'app' }), commit, access(), {
      timeouts: { prebuildMs: 700, buildMs: 60_000 },
    });
    const { outcome } = await build(spec);
    expect(outcome.reason).toBe('prebuild script ./slow.sh timed out after 0.7 s');
    expect(await processesRunning('sleep 31.25')).toEqual([]);
  });

  it('a build that outlives its time is killed, buildah and the RUN it chrooted into alike', async () => {
    const spec = specFor(entryFor(repo.url, { targetFile: 'Dockerfile.slow' }), commit, access(), { timeouts: { prebuildMs: 1000, buildMs: 1500 } });
    const { outcome } = await build(spec);
    expect(outcome.reason).toBe('build timed out after 1.5 s');
    expect(await processesRunning('sleep 32.5')).toEqual([]);
  });

  it('an abort stops the running step and kills its processes', async () => {
    const controller = new AbortController();
    const spec = specFor(entryFor(repo.url, { prebuildScript: './slow.sh', prebuildContext: 'app' }), commit, access());
    const log = new MemoryLog();
    const started = builder.start(spec, { write: (text) => (log.write(text), text.includes('sleeping') && controller.abort()) }, controller.signal);
    const start = await started;
    expect(start).toEqual({ kind: 'finished', outcome: expect.objectContaining({ status: 'failed', reason: 'prebuild script ./slow.sh aborted' }) });
    expect(await processesRunning('sleep 31.25')).toEqual([]);
  });

  it.each([
    [
      'an unreachable git URL',
      () => 'file:///nonexistent/ccp-repo',
      () => commit,
      /^git fetch of file:\/\/\/nonexistent\/ccp-repo at [0-9a-f]{40} failed: fatal: /,
    ],
    ['a commit the repository does not have', () => repo.url, () => 'f'.repeat(40), /^git fetch of .* at f{40} failed: fatal: .*not our ref/],
    ['a commit that is no SHA', () => repo.url, () => '--upload-pack=touch /tmp/x', /^commit "--upload-pack=touch \/tmp\/x" is not a commit SHA$/],
  ])('%s fails the checkout', async (_name, url, sha, reason) => {
    const { outcome } = await build(specFor(entryFor(url()), sha(), access()));
    expect({ status: outcome.status, reason: outcome.reason, steps: Object.keys(outcome.steps) }).toEqual({
      status: 'failed',
      reason: expect.stringMatching(reason),
      steps: ['checkout'],
    });
  });

  it('a registry that refuses the push fails the build and leaves no tag behind', async () => {
    const readonly = await startRegistryVariant({ dir: path.join(dir, 'readonly'), storageDir: path.join(dir, 'registry', 'storage'), readonly: true });
    try {
      const entry = entryFor(repo.url, { jobId: 'refused', targetFile: 'Dockerfile.plain' });
      const spec = specFor(
        entry,
        commit,
        { address: readonly.address, tlsVerify: false },
        { parentImages: { 'sample/base:latest': `${registry.address}/sample/base:latest` } },
      );
      spec.registry = { address: readonly.address, tlsVerify: false };
      const { outcome } = await build({ ...spec, imageRef: `${readonly.address}/sample/refused:latest` });
      expect({ status: outcome.status, steps: Object.keys(outcome.steps) }).toEqual({ status: 'failed', steps: ['checkout', 'build', 'push'] });
      expect(outcome.reason).toMatch(new RegExp(`^push of ${readonly.address}/sample/refused:latest refused: `));
    } finally {
      await readonly.stop();
    }
    const tag = await fetch(`${registry.url}/v2/sample/refused/manifests/latest`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(tag.status).toBe(404);
  });

  it('registry credentials reach the registry but never the log nor a command line', async () => {
    const secured = await startRegistryVariant({ dir: path.join(dir, 'secured'), htpasswd: HTPASSWD });
    const seen: string[] = [];
    const watcher = setInterval(() => void commandLinesWith(REGISTRY_PASSWORD).then((found) => seen.push(...found)), 20);
    try {
      const securedAccess = { address: secured.address, tlsVerify: false, username: REGISTRY_USER, password: REGISTRY_PASSWORD };
      await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: securedAccess });
      const spec = specFor(entryFor(repo.url, { targetFile: 'Dockerfile.plain' }), commit, securedAccess);
      const { outcome, log } = await build(spec);
      expect(outcome.status).toBe('succeeded');
      expect(log).not.toContain(REGISTRY_PASSWORD);
      expect(log).not.toContain(Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64'));
      expect(log).toContain('--authfile');
    } finally {
      clearInterval(watcher);
      await secured.stop();
    }
    expect(seen).toEqual([]);
  });
});

/** Command lines of running processes that contain `text`. */
async function processesRunning(text: string): Promise<string[]> {
  return commandLinesWith(text);
}

async function commandLinesWith(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').join(' ').includes(text)) found.push(`${name}: ${cmdline.split('\0').join(' ')}`);
  }
  return found;
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { RunSummary } from '../../cli/commands/run';
import { main } from '../../cli/main';
import type { CliIo } from '../../cli/types';
import { createLocalBuilder, storageDriverFor } from '../../functions/build/builders/local';
import { removeStorage } from '../../shared/builds/storage';
import type { BuildOutcome } from '../../shared/builds/builder-types';
import { createLocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { loadIndex } from '../../shared/index/load';
import type { ProjectEntry } from '../../shared/index/types';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { MemoryLog, specFor } from '../builders/build-fixtures';

const exec = promisify(execFile);

// Every hostile link points at this test's own "host" folder, never at a real host file: the
// canary is random, so finding it anywhere after a build means a host file got in.
const CANARY = `CANARY-${randomBytes(8).toString('hex')}`;
const INSIDE = `INSIDE-${randomBytes(8).toString('hex')}`;

const FILES: Record<string, string> = {
  'good/Dockerfile': 'FROM scratch\nCOPY . /src/\n',
  'good/real.txt': `${INSIDE}\n`,
  'a/Dockerfile': 'FROM scratch\nCOPY . /src/\n',
  'd/Dockerfile': 'FROM scratch\nCOPY . /src/\n',
  'e/Dockerfile': 'FROM scratch\nCOPY passwd /passwd\n',
  'f/Dockerfile': 'FROM scratch\nCOPY link/ /x/\n',
  'h/Dockerfile': 'FROM scratch\nRUN --mount=type=bind,source=.,target=/m,rw cat /m/x\n',
  'i/Dockerfile': 'ARG BASE=oci-archive:/var/tmp/ccp-hostile-none.tar\nFROM $BASE\n',
};

/** Symlinks of the repository; `$HOST` is the test's host folder. */
const LINKS: Array<[string, string]> = [
  ['good/inner', 'real.txt'],
  ['good/up', '..'],
  ['a/ctx', '$HOST/dir'],
  ['b/Dockerfile', '$HOST/canary'],
  ['c', '$HOST/dir'],
  ['d/prepare.sh', '$HOST/script.sh'],
  ['d/sh', '/bin/sh'],
  ['e/passwd', '$HOST/canary'],
  ['f/link', '$HOST/dir'],
];

/** Each hostile project (job-id of the fixture index) and the reason lint and build must both give. */
const HOSTILE: Array<[string, string, string]> = [
  ['(a) build-context a symlink to a host folder', 'context-link', 'build-context a/ctx leads out of the repository (a/ctx -> $HOST/dir)'],
  ['(b) target-file a symlink to a host file', 'dockerfile-link', 'target-file b/Dockerfile leads out of the repository (b/Dockerfile -> $HOST/canary)'],
  ['(c) git-path through a symlink', 'git-path-link', 'git-path c leads out of the repository (c -> $HOST/dir)'],
  [
    '(d) prebuild-script a symlink to a host script',
    'prebuild-host-script',
    'prebuild-script d/prepare.sh leads out of the repository (d/prepare.sh -> $HOST/script.sh)',
  ],
  ['(d) prebuild-script a symlink to /bin/sh', 'prebuild-bin-sh', 'prebuild-script d/sh leads out of the repository (d/sh -> /bin/sh)'],
  ['(e) a context file linked to a host file', 'context-file-link', 'build context e has a symlink that leads out of the repository: e/passwd -> $HOST/canary'],
  ['(f) a context folder linked to a host folder', 'context-dir-link', 'build context f has a symlink that leads out of the repository: f/link -> $HOST/dir'],
  [
    'a RUN --mount that binds the context (rw)',
    'bind-mount',
    'h/Dockerfile line 2: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
  ],
  [
    'a FROM of a host file through a transport',
    'host-transport',
    'i/Dockerfile line 1: ARG names the oci-archive: transport, which reads the build host; name an image in a registry',
  ],
];

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env: {}, cwd: process.cwd(), stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

/** Files below `root` (links not followed) whose bytes, or gunzipped bytes (registry layers), hold `needle`. */
async function filesHolding(root: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const folder = queue.shift() as string;
    for (const item of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(folder, item.name);
      if (item.isDirectory()) queue.push(file);
      if (!item.isFile() || (await lstat(file)).size > 64 * 1024 * 1024) continue;
      const bytes = await readFile(file);
      let text = bytes.toString('latin1');
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) text += gunzipSafe(bytes);
      if (text.includes(needle)) found.push(file);
    }
  }
  return found;
}

function gunzipSafe(bytes: Buffer): string {
  try {
    return gunzipSync(bytes).toString('latin1');
  } catch {
    return '';
  }
}

describe('hostile repositories: symlinks that lead out of the checkout', () => {
  let dir: string;
  let host: string;
  let indexDir: string;
  let commit: string;
  const hostText = (text: string): string => text.replaceAll('$HOST', host);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-links-'));
    host = path.join(dir, 'host');
    await mkdir(path.join(host, 'dir'), { recursive: true });
    await writeFile(path.join(host, 'canary'), `${CANARY}\n`);
    await writeFile(path.join(host, 'dir', 'secret'), `${CANARY}\n`);
    await writeFile(path.join(host, 'dir', 'Dockerfile'), 'FROM scratch\nCOPY secret /secret\n');
    await writeFile(path.join(host, 'script.sh'), `#!/bin/sh\ntouch '${host}/script-ran'\ncat '${host}/canary'\n`);
    await chmod(path.join(host, 'script.sh'), 0o755);
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    // Files first, links after: the helper writes through links, which must never reach a host file.
    await repo.commit(FILES, 'files');
    for (const [link, target] of LINKS) {
      await mkdir(path.dirname(path.join(repo.dir, link)), { recursive: true });
      await symlink(hostText(target), path.join(repo.dir, link));
    }
    commit = await repo.commit({}, 'links');
    indexDir = path.join(dir, 'index');
    await mkdir(path.join(indexDir, 'index.d'), { recursive: true });
    for (const name of ['symlinks-index.yaml', 'symlinks-climb.yaml']) {
      const text = await readFile(path.join(__dirname, '__fixtures__', name), 'utf8');
      const target = name === 'symlinks-index.yaml' ? path.join(indexDir, 'index.d', 'hostile.yaml') : path.join(dir, 'climb', 'index.d', 'climb.yaml');
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text.replaceAll('{{REPO}}', repo.url));
    }
  });

  afterAll(async () => {
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await removeStorage(path.join(dir, 'builder', 'root'), path.join(dir, 'builder', 'runroot'));
    await rm(dir, { recursive: true, force: true });
  });

  describe('ccp run --once', () => {
    let code: number;
    let summary: RunSummary;
    let progress: string;
    const project = (job: string) => summary.projects.find((item) => item.project === `hostile/${job}:latest`)!;

    beforeAll(async () => {
      const io = capture();
      code = await main(['--data-dir', path.join(dir, 'data'), 'run', '--index', indexDir, '--once', '--json'], io);
      summary = JSON.parse(io.out) as RunSummary;
      progress = io.err;
    }, 240_000);

    it('builds the control project, in-repository links and all, and exits 1 for the hostile ones', () => {
      expect(code).toEqual(1);
      expect({ lint: project('good').lint.verdict, build: project('good').build.status }).toEqual({ lint: 'passed', build: 'succeeded' });
      expect(summary.projects).toHaveLength(HOSTILE.length + 1);
    });

    it.each(HOSTILE)('%s: the lint gives the reason naming the path and the build is blocked by it', (_case, job, reason) => {
      expect(project(job).lint).toMatchObject({ verdict: 'error', reason: hostText(reason) });
      expect(project(job).build).toMatchObject({ status: 'failed', reason: `blocked by lint: ${hostText(reason)}` });
      expect(project(job).build.digest).toBeUndefined();
    });

    it('leaves no canary in any report, log, mail, layer or pushed blob, and never runs the host script', async () => {
      // The walk reaches the registry's gzipped layers: the control image's own file is found there.
      expect((await filesHolding(path.join(dir, 'data'), INSIDE)).some((file) => file.includes(`${path.sep}registry${path.sep}`))).toBe(true);
      expect(await filesHolding(path.join(dir, 'data'), CANARY)).toEqual([]);
      expect(progress.includes(CANARY)).toBe(false);
      await expect(lstat(path.join(host, 'script-ran'))).rejects.toThrow();
    });

    it('pushes the control image only', async () => {
      expect(await listRepositories(path.join(dir, 'data', 'registry'))).toEqual(['hostile/good']);
    });
  });

  describe('the local builder, asked directly (a lint.completed that does not block)', () => {
    let registry: LocalRegistry;
    let entries: ProjectEntry[];
    const builder = () =>
      createLocalBuilder({
        workDir: path.join(dir, 'builder', 'work'),
        buildah: { root: path.join(dir, 'builder', 'root'), runroot: path.join(dir, 'builder', 'runroot') },
        retries: 0,
      });

    beforeAll(async () => {
      registry = await startLocalRegistry({ dir: path.join(dir, 'builder', 'registry') });
      entries = (await loadIndex(indexDir)).projects;
    });
    afterAll(() => registry?.stop());

    async function build(job: string): Promise<{ outcome: BuildOutcome; log: string }> {
      const entry = entries.find((item) => item.jobId === job)!;
      const log = new MemoryLog();
      const start = await builder().start(
        specFor(entry, commit, { address: registry.address, tlsVerify: false }, { parentImages: {} }),
        log,
        new AbortController().signal,
      );
      if (start.kind !== 'finished') throw new Error('the local builder finishes in the call');
      return { outcome: start.outcome, log: log.text };
    }

    it.each(HOSTILE)('%s: fails with the very reason the lint gives, before buildah reads anything', async (_case, job, reason) => {
      const { outcome, log } = await build(job);
      expect({ status: outcome.status, reason: outcome.status === 'failed' ? outcome.reason : null }).toEqual({ status: 'failed', reason: hostText(reason) });
      expect(log.includes(CANARY)).toBe(false);
      const tags = await fetch(`http://${registry.address}/v2/hostile/${job}/tags/list`);
      expect(tags.status).toEqual(404);
    });

    it('buildah itself would follow a RUN --mount bind source out to the host: the hazard the Dockerfile check stops', async () => {
      await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: registry.address });
      const context = path.join(dir, 'hazard');
      await mkdir(context, { recursive: true });
      await symlink(path.join(host, 'dir'), path.join(context, 'link'));
      await writeFile(
        path.join(context, 'Dockerfile'),
        `FROM ${registry.address}/sample/base:latest\nRUN --mount=type=bind,source=link,target=/m cat /m/secret\n`,
      );
      const root = path.join(dir, 'builder', 'root');
      const runroot = path.join(dir, 'builder', 'runroot');
      const driver = await storageDriverFor(root, runroot);
      const result = await exec(
        'buildah',
        ['--root', root, '--runroot', runroot, '--storage-driver', driver, 'bud', '--isolation', 'chroot', '--tls-verify=false', '-t', 'hazard', context],
        { env: { PATH: process.env.PATH, HOME: dir } },
      );
      expect(result.stdout).toContain(CANARY);
    });

    it('builds the control project and its image holds the repository file, not the canary', async () => {
      const { outcome } = await build('good');
      expect(outcome.status).toEqual('succeeded');
      const blobs = path.join(dir, 'builder', 'registry');
      expect((await filesHolding(blobs, INSIDE)).length).toBeGreaterThan(0);
      expect(await filesHolding(blobs, CANARY)).toEqual([]);
      await expect(lstat(path.join(host, 'script-ran'))).rejects.toThrow();
    });
  });

  it('(g) the index validator refuses `..` in every path field, with file, line and field, and nothing of it is built', async () => {
    const io = capture();
    const code = await main(['index', 'validate', path.join(dir, 'climb'), '--json'], io);
    const report = JSON.parse(io.out) as { projects: number; errors: Array<{ file: string; line: number; field: string; message: string }> };
    expect(code).toEqual(1);
    expect(report.projects).toEqual(0);
    expect(report.errors.map(({ file, line, field, message }) => ({ file: path.basename(file), line, field, message }))).toEqual([
      { file: 'climb.yaml', line: 8, field: 'Projects[0].git-path', message: '"../../etc" leaves the repository' },
      { file: 'climb.yaml', line: 20, field: 'Projects[1].target-file', message: '"../../Dockerfile" relative to git-path "good" leaves the repository' },
      { file: 'climb.yaml', line: 23, field: 'Projects[1].build-context', message: '"../../.." relative to git-path "good" leaves the repository' },
      {
        file: 'climb.yaml',
        line: 24,
        field: 'Projects[1].prebuild-script',
        message: '"../../../host.sh" relative to prebuild-context "good" leaves the repository',
      },
      { file: 'climb.yaml', line: 38, field: 'Projects[2].prebuild-context', message: '"good/../.." leaves the repository' },
    ]);
    expect((await loadIndex(path.join(dir, 'climb'))).projects).toEqual([]);
  });
});

/** The repositories a `docker-registry` storage below `root` holds (`<app>/<job>`), from its folder layout. */
async function listRepositories(root: string): Promise<string[]> {
  const found: string[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const folder = queue.shift() as string;
    for (const item of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      if (!item.isDirectory()) continue;
      const child = path.join(folder, item.name);
      if (item.name === '_manifests') {
        const at = folder.split(`${path.sep}repositories${path.sep}`)[1];
        if (at) found.push(at.split(path.sep).join('/'));
      } else queue.push(child);
    }
  }
  return found.sort();
}

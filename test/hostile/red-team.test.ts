import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalBuilder } from '../../functions/build/builders/local';
import { removeStorage } from '../../shared/builds/storage';
import type { BuildOutcome } from '../../shared/builds/builder-types';
import { createLocalRepo } from '../../shared/git/local-repo';
import { RepoCache } from '../../shared/git/repo-cache';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { entryFor, MemoryLog, specFor } from '../builders/build-fixtures';

/**
 * Red-team findings on the local backend's buildah (1.28.2), each tried by hand first:
 * - CVE-2024-9675: `RUN --mount=type=cache,id=../../..<dir>` mounts any host folder read-write
 *   as root (buildah joins the id to its cache folder after a Clean that keeps leading `..`);
 *   also through quotes, backslashes and an `ARG` (buildah expands variables in `--mount`).
 * - Cache mounts lived in /var/tmp/buildah-cache, shared by every build on the host, so one
 *   project's `RUN` could poison the cache another project's `RUN` reads.
 */
const CANARY = `CANARY-${randomBytes(8).toString('hex')}`;
const UP = '../'.repeat(24);

describe('hostile Dockerfiles: buildah cache mounts', () => {
  let dir: string;
  let host: string;
  let registry: LocalRegistry;
  let commit: string;
  let repoUrl: string;
  const storage = { root: '', runroot: '' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-red-team-'));
    host = path.join(dir, 'host');
    await mkdir(host, { recursive: true });
    await writeFile(path.join(host, 'canary'), `${CANARY}\n`);
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: registry.address });
    const from = 'FROM sample/base:latest\n';
    const steal = `sh -c 'cat /h/canary; echo pwned > /h/pwned'`;
    const repo = await createLocalRepo('master', path.join(dir, 'repo'));
    commit = await repo.commit({
      'escape/Dockerfile': `${from}RUN --mount=type=cache,id=${UP}${host.slice(1)},target=/h ${steal}\n`,
      'quoted/Dockerfile': `${from}RUN --mount=type=cache,"id=${UP}${host.slice(1)}",target=/h ${steal}\n`,
      'escaped/Dockerfile': `${from}RUN --mount=type=cache,id=${UP.replaceAll('.', '\\.')}${host.slice(1)},target=/h ${steal}\n`,
      'variable/Dockerfile': `${from}ARG X=${UP}${host.slice(1)}\nRUN --mount=type=cache,id=$X,target=/h ${steal}\n`,
      'twice/Dockerfile': `${from}RUN --mount=type=cache,id=${UP}${host.slice(1)},target=/h,id=ok ${steal}\n`,
      'poison/Dockerfile': `${from}RUN --mount=type=cache,id=pip,target=/c sh -c 'echo POISONED > /c/wheel'\n`,
      'victim/Dockerfile': `${from}RUN --mount=type=cache,id=pip,target=/c sh -c 'echo "CACHE-SAYS $(cat /c/wheel 2>/dev/null || echo clean)"'\n`,
    });
    repoUrl = repo.url;
    storage.root = path.join(dir, 'buildah', 'root');
    storage.runroot = path.join(dir, 'buildah', 'runroot');
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  });

  async function build(gitPath: string): Promise<{ outcome: BuildOutcome; log: string }> {
    const builder = createLocalBuilder({ workDir: path.join(dir, 'work'), buildah: storage, retries: 0 });
    const entry = entryFor(repoUrl, { jobId: gitPath, gitPath, dependsOn: ['sample/base:latest'] });
    const log = new MemoryLog();
    const start = await builder.start(specFor(entry, commit, { address: registry.address, tlsVerify: false }), log, new AbortController().signal);
    if (start.kind !== 'finished') throw new Error('the local builder finishes in the call');
    return { outcome: start.outcome, log: log.text };
  }

  it.each([
    ['an id that climbs to a host folder', 'escape', 'type=cache with id=$CLIMB'],
    ['the id in quotes', 'quoted', 'type=cache with id=$CLIMB'],
    ['the id with backslash escapes', 'escaped', 'type=cache with id=$CLIMB'],
    ['the id in an ARG', 'variable', 'with a variable'],
    ['a second, harmless id after it', 'twice', 'type=cache with id=$CLIMB'],
  ])(
    'refuses %s before buildah runs, and the host folder is neither read nor written',
    async (_case, gitPath, what) => {
      const { outcome, log } = await build(gitPath);
      const line = gitPath === 'variable' ? 3 : 2;
      expect({ status: outcome.status, reason: outcome.status === 'failed' ? outcome.reason : null }).toEqual({
        status: 'failed',
        reason: `${gitPath}/Dockerfile line ${line}: RUN --mount ${what.replace('$CLIMB', `${UP}${host.slice(1)}`.toLowerCase())} is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)`,
      });
      expect(log.includes(CANARY)).toBe(false);
      expect(await readdir(host)).toEqual(['canary']);
    },
    120_000,
  );

  it("keeps each build's cache mounts to itself: a later build does not see what an earlier one left", async () => {
    const poison = await build('poison');
    expect(poison.outcome.status).toEqual('succeeded');
    const victim = await build('victim');
    expect(victim.outcome.status).toEqual('succeeded');
    expect(victim.log.match(/^CACHE-SAYS .*$/m)?.[0]).toEqual('CACHE-SAYS clean');
    // Nothing of it is left in the shared host folder either, nor in the work folder.
    expect(await readdir(path.join(dir, 'work'))).toEqual([]);
  }, 240_000);
});

describe('hostile index entries: a git-url that looks like an option', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-red-team-git-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // `-o@127.0.0.1:x` passes the index's git-url check (user@host:path); before --end-of-options,
  // git fetch read `-o` as --server-option and the commit as the repository to fetch from.
  it.each(['-o@127.0.0.1:x', '-4@127.0.0.1:x'])('the lint cache hands %s to git as a URL, never as an option', async (url) => {
    const commit = 'a'.repeat(40);
    await expect(new RepoCache(dir).fetch(url, commit)).rejects.toThrow(
      `cannot fetch ${commit} from ${url}: fatal: strange hostname '${url.split(':')[0]}' blocked`,
    );
  });
});

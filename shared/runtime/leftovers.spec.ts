import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanLeftovers } from './leftovers';

describe('cleanLeftovers (what a killed run left in the data dir)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-leftovers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes build folders but those kept, old store temp files and locks of dead pids, and kills orphans working there', async () => {
    const builds = path.join(dir, 'work', 'builds');
    const tmp = path.join(dir, 'store', '.ccp-store', 'tmp');
    const locks = path.join(dir, 'store', '.ccp-store', 'locks');
    for (const folder of [path.join(builds, 'build-a-1'), path.join(builds, 'build-b-2'), tmp, locks]) await mkdir(folder, { recursive: true });
    await writeFile(path.join(tmp, 'old'), 'x');
    await utimes(path.join(tmp, 'old'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await writeFile(path.join(tmp, 'fresh'), 'x');
    await writeFile(path.join(locks, 'dead.lock'), `999999999 ${os.hostname()}\n`);
    await writeFile(path.join(locks, 'live.lock'), `${process.pid} ${os.hostname()}\n`);
    // `; true` keeps the shell from exec'ing sleep: two processes work in the folder.
    const orphan = spawn('/bin/sh', ['-c', 'sleep 42.1; true'], { cwd: path.join(builds, 'build-a-1'), detached: true, stdio: 'ignore' });
    const gone = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const child = await waitForChildOf(orphan.pid!);

    const cleaned = await cleanLeftovers(
      { workDir: path.join(dir, 'work'), storeRoot: path.join(dir, 'store'), buildah: null },
      { keep: (folder) => folder.startsWith('build-b-'), orphans: true },
    );
    expect(await gone).toEqual('SIGKILL');
    // The shell and the sleep it started both worked in the folder: the shell is killed with its
    // tree, so the sleep may be gone before the walk of /proc reaches it (then it is not listed).
    expect(cleaned.orphans).toContain(orphan.pid);
    expect(cleaned.orphans.every((pid) => pid === orphan.pid || pid === child)).toBe(true);
    expect(await aliveState(child)).toBeNull();
    expect({ ...cleaned, orphans: [] }).toEqual({ workFolders: ['build-a-1'], orphans: [], tempFiles: 1, lockFiles: 1, mounts: [] });
    expect([await readdir(builds), await readdir(tmp), await readdir(locks)]).toEqual([['build-b-2'], ['fresh'], ['live.lock']]);
    expect(existsSync(path.join(builds, 'build-a-1'))).toBe(false);
  });

  it('removes young temporary files too when told no writer can be alive (at start, the last lock holder dead)', async () => {
    const tmp = path.join(dir, 'store', '.ccp-store', 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'just-written'), 'x');
    const places = { workDir: path.join(dir, 'work'), storeRoot: path.join(dir, 'store'), buildah: null };
    const kept = await cleanLeftovers(places);
    const removed = await cleanLeftovers(places, { tempMinAgeMs: 0 });
    expect([kept.tempFiles, removed.tempFiles, await readdir(tmp)]).toEqual([0, 1, []]);
  });
});

/** Waits (a loaded machine may take a while to fork) until `pid` has a child process; its pid. */
async function waitForChildOf(pid: number): Promise<number> {
  for (let tries = 0; tries < 200; tries += 1) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    if (children.trim() !== '') return Number(children.trim().split(/\s+/)[0]);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`process ${pid} started no child within 5 s`);
}

/** The state letter of a running `pid` (R, S, D…); `null` once it is dead (gone, or a zombie awaiting its reaper). */
async function aliveState(pid: number): Promise<string | null> {
  for (let tries = 0; tries < 100; tries += 1) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const state = /\) (\S)/.exec(stat)?.[1] ?? null;
    if (state === null || state === 'Z' || state === 'X') return null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return /\) (\S)/.exec(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))?.[1] ?? null;
}

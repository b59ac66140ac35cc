import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../log/logger';
import { runSandboxed } from './bwrap';
import { createBuildCgroup, DEFAULT_LIMITS, liveCgroups, rlimitHit, type SandboxLimits } from './resource-limits';
import type { SandboxRequest, SandboxResult } from './types';

const exec = promisify(execFile);
const LIMITS: SandboxLimits = { maxProcesses: 64, memoryBytes: 96 * 1024 ** 2, maxFileBytes: 1024 ** 2, maxOpenFiles: 128, cpuSeconds: 30 };

let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ccp-limits-'));
});

afterEach(async () => {
  // A failed assertion must not leave a fork bomb running: empty this process's build cgroups.
  await Promise.all([...liveCgroups.values()].map((cgroup) => cgroup.remove()));
  await rm(work, { recursive: true, force: true });
});

/** Runs `script` (saved as `name` in the work folder) with `/bin/sh` in a sandbox without network, with `LIMITS`. */
async function runScript(name: string, script: string, seen: Set<string> = new Set()): Promise<SandboxResult> {
  await writeFile(path.join(work, name), script);
  const request: SandboxRequest = {
    workDir: work,
    insideWorkDir: '/build/src',
    cwd: '/build/src',
    command: '/bin/sh',
    args: [`/build/src/${name}`],
    env: {},
    hide: [],
    network: 'off',
    maxOutputBytes: 1024 ** 2,
    timeoutMs: 60_000,
    limits: LIMITS,
  };
  // Which cgroups the run made, to check afterwards that they are gone.
  const watch = setInterval(() => liveCgroups.forEach((_cgroup, dir) => seen.add(dir)), 20);
  try {
    return await runSandboxed(request);
  } finally {
    clearInterval(watch);
  }
}

describe('sandbox resource limits', () => {
  it('stops a fork bomb at the process limit, leaves nothing of it, and the host keeps answering', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const latencies: number[] = [];
    let failures = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = Date.now();
        await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) })
          .then((res) => res.text())
          .catch(() => void failures++);
        latencies.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const marker = `bomb-${process.pid}-${Date.now()}.sh`;
    const seen = new Set<string>();
    const started = Date.now();
    try {
      // The script stays (`sleep`, not `wait`, which returns as soon as the first pair has forked): on a loaded
      // machine it could otherwise exit, and its sandbox's pid namespace with it, before the bomb reached the limit (ten seconds: were the limit not held, the bomb runs that long).
      const result = await runScript(marker, 'bomb() { bomb | bomb & }; bomb\nsleep 10\n', seen);
      const elapsed = Date.now() - started;
      // toMatchObject prints the whole result on a mismatch: its exit code and tail tell a missing cgroup from a bomb that never grew.
      expect(result).toMatchObject({ limit: { kind: 'process', limit: 64, setting: 'CCP_PREBUILD_MAX_PROCESSES' }, timedOut: false });
      expect(elapsed).toBeLessThan(20_000);
    } finally {
      probing = false;
      await probe;
      server.close();
    }
    expect(failures).toBe(0);
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(2000);
    // Nothing survives: the cgroup could only be removed empty, and no process runs the script.
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen].filter((dir) => existsSync(dir))).toEqual([]);
    const { stdout } = await exec('ps', ['-eo', 'args']);
    expect(stdout.split('\n').filter((line) => line.includes(marker))).toEqual([]);
  }, 60_000);

  it('kills a script that allocates past the memory limit', async () => {
    const result = await runScript('hog.sh', 'awk \'BEGIN { s = "xxxxxxxxxxxxxxxx"; while (1) s = s s }\'\n');
    expect(result.limit).toEqual({ kind: 'memory', limit: LIMITS.memoryBytes, setting: 'CCP_PREBUILD_MEMORY' });
    expect(result.exitCode).not.toBe(0);
  }, 60_000);

  it('fails a script that writes a file past the size limit, which stays at the limit', async () => {
    const result = await runScript('big.sh', 'head -c 4194304 /dev/zero > /build/src/big.bin\n');
    expect(result.limit).toEqual({ kind: 'file size', limit: LIMITS.maxFileBytes, setting: 'CCP_PREBUILD_MAX_FILE_SIZE' });
    expect((await stat(path.join(work, 'big.bin'))).size).toBe(LIMITS.maxFileBytes);
  }, 60_000);

  it('sets the rlimits inside the sandbox, hard and soft', async () => {
    const output: string[] = [];
    await writeFile(path.join(work, 'limits.sh'), 'cat /proc/self/limits\n');
    const result = await runSandboxed({
      workDir: work,
      insideWorkDir: '/build/src',
      cwd: '/build/src',
      command: '/bin/sh',
      args: ['/build/src/limits.sh'],
      env: {},
      hide: [],
      network: 'off',
      maxOutputBytes: 1024 ** 2,
      timeoutMs: 30_000,
      limits: LIMITS,
      onOutput: (text) => void output.push(text),
    });
    expect(result.exitCode).toBe(0);
    const rows = output
      .join('')
      .split('\n')
      .map((line) => line.trim().split(/\s{2,}/));
    const row = (name: string): string[] | undefined => rows.find((cells) => cells[0] === name)?.slice(1, 3);
    expect([row('Max processes'), row('Max file size'), row('Max open files'), row('Max cpu time')]).toEqual([
      ['64', '64'],
      ['1048576', '1048576'],
      ['128', '128'],
      ['30', '30'],
    ]);
  }, 60_000);

  it.each([
    ['SIGXFSZ', null, 'SIGXFSZ', 'file size'],
    ['a shell reporting SIGXFSZ', 153, null, 'file size'],
    ['SIGXCPU', null, 'SIGXCPU', 'CPU time'],
    ['an ordinary failure', 1, null, null],
  ] as const)('reads %s as a limit', (_name, code, signal, kind) => {
    expect(rlimitHit(DEFAULT_LIMITS, code, signal)?.kind ?? null).toEqual(kind);
  });

  // cgroup v2 is not mounted writable here (v1 is): its files are checked on a folder standing in for it.
  it('uses cgroup v2 where /sys/fs/cgroup is one: controllers enabled, pids.max and memory.max, limits read from its events', async () => {
    const root = path.join(work, 'cgroup2');
    const own = /^0::(.*)$/m.exec(await readFile('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
    await mkdir(path.join(root, own), { recursive: true });
    await writeFile(path.join(root, 'cgroup.controllers'), 'cpu io memory pids\n');
    const cgroup = await createBuildCgroup(LIMITS, createLogger({ write: () => undefined }), root);
    const dir = path.dirname(cgroup!.procsFiles[0]!);
    try {
      const read = (name: string): Promise<string> => readFile(path.join(dir, name), 'utf8');
      expect([
        cgroup!.version,
        path.dirname(dir),
        await readFile(path.join(root, own, 'cgroup.subtree_control'), 'utf8'),
        await read('pids.max'),
        await read('memory.max'),
        await read('memory.swap.max'),
      ]).toEqual([2, path.resolve(root, `.${own}`), '+pids +memory', '64', String(96 * 1024 ** 2), '0']);
      await writeFile(path.join(dir, 'pids.events'), 'max 0\n');
      await writeFile(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n');
      expect(await cgroup!.hit()).toEqual({ kind: 'memory', limit: LIMITS.memoryBytes, setting: 'CCP_PREBUILD_MEMORY' });
      await writeFile(path.join(dir, 'pids.events'), 'max 3\n');
      expect(await cgroup!.hit()).toEqual({ kind: 'process', limit: 64, setting: 'CCP_PREBUILD_MAX_PROCESSES' });
    } finally {
      // A plain folder cannot be emptied as a cgroup is (its files stay): it is dropped instead.
      liveCgroups.delete(dir);
    }
  });

  it('gives no cgroup (rlimits only) where none is writable', async () => {
    const lines: string[] = [];
    const log = createLogger({ fields: {}, write: (line) => void lines.push(line) });
    expect(await createBuildCgroup(LIMITS, log, path.join(work, 'no-cgroup-fs'))).toBeNull();
    expect(await createBuildCgroup(LIMITS, log, path.join(work, 'no-cgroup-fs'))).toBeNull();
    // Once per process: a warning per build would drown the log.
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'no writable cgroup: prebuild sandboxes run without a process and memory limit (rlimits only)',
    ]);
  });
});

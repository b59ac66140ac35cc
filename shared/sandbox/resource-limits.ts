import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger';
import { findTool } from '../process/find-tool';
import { BUILD } from '../config/settings/build';

/**
 * What one sandboxed command (a prebuild script) and everything it starts may use. The
 * processes and memory limits are a per-build cgroup's (`pids.max`, `memory.max` or
 * `memory.limit_in_bytes`): everything runs as root, and root is exempt from RLIMIT_NPROC, so
 * the cgroup is what stops a fork bomb. The others are rlimits, set by `prlimit` on bwrap and
 * so inherited by the command and all it starts: RLIMIT_FSIZE (one file's size, in the checkout too),
 * RLIMIT_NOFILE, RLIMIT_CPU (a backstop to the wall-clock timeout); RLIMIT_NPROC too, which only
 * binds when ccp does not run as root.
 */
export interface SandboxLimits {
  /** Processes and threads at once (`CCP_PREBUILD_MAX_PROCESSES`). */
  maxProcesses: number;
  /** Memory, the sandbox's tmpfs (`/tmp`, HOME, `/dev/shm`) included (`CCP_PREBUILD_MEMORY`). */
  memoryBytes: number;
  /** Largest file it may write (`CCP_PREBUILD_MAX_FILE_SIZE`). */
  maxFileBytes: number;
  /** Open files per process (`CCP_PREBUILD_MAX_OPEN_FILES`). */
  maxOpenFiles: number;
  /** CPU seconds per process (`CCP_PREBUILD_CPU_SECONDS`). */
  cpuSeconds: number;
}

/** The declared defaults (shared/config/settings/build.ts). */
export const DEFAULT_LIMITS: SandboxLimits = {
  maxProcesses: BUILD.prebuildMaxProcesses.default,
  memoryBytes: BUILD.prebuildMemory.default,
  maxFileBytes: BUILD.prebuildMaxFileSize.default,
  maxOpenFiles: BUILD.prebuildMaxOpenFiles.default,
  cpuSeconds: BUILD.prebuildCpuSeconds.default,
};

/** Which limit stopped the command, its value and the setting that raises it. */
export interface LimitHit {
  kind: 'process' | 'memory' | 'file size' | 'CPU time';
  limit: number;
  setting: string;
}

const SETTING: Record<LimitHit['kind'], string> = {
  process: BUILD.prebuildMaxProcesses.env!,
  memory: BUILD.prebuildMemory.env!,
  'file size': BUILD.prebuildMaxFileSize.env!,
  'CPU time': BUILD.prebuildCpuSeconds.env!,
};

/** How often the cgroup's event counters are read while the command runs. */
const WATCH_MS = 200;
/** How long removing a cgroup keeps killing what is left in it. */
const KILL_MS = 10_000;
const ROOT = '/sys/fs/cgroup';

/**
 * The `prlimit` options that set `limits`' rlimits (soft and hard: the script cannot raise them).
 * @see https://man7.org/linux/man-pages/man1/prlimit.1.html
 */
export function rlimitOptions(limits: SandboxLimits): string[] {
  return [`--nproc=${limits.maxProcesses}`, `--fsize=${limits.maxFileBytes}`, `--nofile=${limits.maxOpenFiles}`, `--cpu=${limits.cpuSeconds}`];
}

/** `prlimit` (util-linux) on the PATH or in the system folders, which the sandbox shows read-only. */
export function findPrlimit(searchPath?: string): string | null {
  return findTool('prlimit', searchPath);
}

/**
 * The limit a command that ended with `exitCode`/`signal` ran into, from the signal the kernel
 * sends on RLIMIT_FSIZE and RLIMIT_CPU (a shell reports a killed child as 128 + the signal).
 * @see https://man7.org/linux/man-pages/man2/setrlimit.2.html
 */
export function rlimitHit(limits: SandboxLimits, exitCode: number | null, signal: NodeJS.Signals | null): LimitHit | null {
  if (signal === 'SIGXFSZ' || exitCode === 128 + 25) return hit('file size', limits.maxFileBytes);
  if (signal === 'SIGXCPU' || exitCode === 128 + 24) return hit('CPU time', limits.cpuSeconds);
  return null;
}

function hit(kind: LimitHit['kind'], limit: number): LimitHit {
  return { kind, limit, setting: SETTING[kind] };
}

/** A cgroup of one sandboxed command: made before it starts, removed (and emptied) after. */
export interface BuildCgroup {
  version: 1 | 2;
  /** The `cgroup.procs` files the sandbox's first process writes itself into before it execs bwrap. */
  procsFiles: string[];
  /** The process or memory limit, once it has been hit; `null` before. */
  hit(): Promise<LimitHit | null>;
  /** Kills everything still in it and removes it. */
  remove(): Promise<void>;
}

let warned = false;

/**
 * This process's build cgroups not yet removed, by folder: what a test (or a shutdown) empties
 * when a run did not get to it, without touching any other process's cgroups.
 */
export const liveCgroups = new Map<string, BuildCgroup>();

function track(dir: string, cgroup: BuildCgroup): BuildCgroup {
  liveCgroups.set(dir, cgroup);
  const remove = cgroup.remove;
  return { ...cgroup, remove: () => remove().finally(() => liveCgroups.delete(dir)) };
}

/**
 * A fresh cgroup for one sandboxed command under ccp's own, with `limits`' processes and
 * memory: cgroup v2 when `/sys/fs/cgroup` is one and its `pids` and `memory` controllers can be
 * enabled for ccp's children, else v1's `pids` and `memory` hierarchies. `null` (and one warning
 * in the log) when neither is writable: then only the rlimits hold.
 * @see https://docs.kernel.org/admin-guide/cgroup-v2.html
 * @see https://docs.kernel.org/admin-guide/cgroup-v1/pids.html
 */
export async function createBuildCgroup(limits: SandboxLimits, log: Logger, root: string = ROOT): Promise<BuildCgroup | null> {
  const name = `ccp-sandbox-${randomBytes(6).toString('hex')}`;
  const own = await ownCgroups();
  const failures: string[] = [];
  if (existsSync(path.join(root, 'cgroup.controllers'))) {
    const made = await v2(root, own.get('') ?? '/', name, limits).catch((error: Error) => void failures.push(`v2: ${error.message}`));
    if (made) return made;
  }
  const made = await v1(root, own, name, limits).catch((error: Error) => void failures.push(`v1: ${error.message}`));
  if (made) return made;
  if (!warned) {
    warned = true;
    log.warn('no writable cgroup: prebuild sandboxes run without a process and memory limit (rlimits only)', { failures });
  }
  return null;
}

/** ccp's own cgroup per controller (`''` is v2's), from `/proc/self/cgroup`. */
async function ownCgroups(): Promise<Map<string, string>> {
  const text = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (match) for (const controller of match[1]!.split(',')) own.set(controller, match[2]!);
  }
  return own;
}

async function v2(root: string, own: string, name: string, limits: SandboxLimits): Promise<BuildCgroup> {
  const parent = path.join(root, own);
  const control = path.join(parent, 'cgroup.subtree_control');
  await writeFile(control, '+pids +memory').catch(async () => {
    // "No internal processes": a cgroup that holds ccp cannot give its children controllers,
    // so ccp moves to a leaf of its own first (what container init scripts do).
    const leaf = path.join(parent, 'ccp-service');
    await mkdir(leaf, { recursive: true });
    await writeFile(path.join(leaf, 'cgroup.procs'), String(process.pid));
    await writeFile(control, '+pids +memory');
  });
  const dir = path.join(parent, name);
  await mkdir(dir);
  try {
    await writeFile(path.join(dir, 'pids.max'), String(limits.maxProcesses));
    await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    throw error;
  }
  return track(dir, {
    version: 2,
    procsFiles: [path.join(dir, 'cgroup.procs')],
    async hit() {
      if ((await counter(path.join(dir, 'pids.events'), 'max')) > 0) return hit('process', limits.maxProcesses);
      if ((await counter(path.join(dir, 'memory.events'), 'oom_kill')) > 0) return hit('memory', limits.memoryBytes);
      return null;
    },
    async remove() {
      await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
      await emptyAndRemove([dir]);
    },
  });
}

async function v1(root: string, own: Map<string, string>, name: string, limits: SandboxLimits): Promise<BuildCgroup> {
  const pids = path.join(root, 'pids', own.get('pids') ?? '/', name);
  const memory = path.join(root, 'memory', own.get('memory') ?? '/', name);
  await mkdir(pids);
  try {
    await writeFile(path.join(pids, 'pids.max'), String(limits.maxProcesses));
    await mkdir(memory);
    await writeFile(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // With swap accounting, memory + swap too: swap is no way around the limit.
    await writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
  } catch (error) {
    await rmdir(memory).catch(() => undefined);
    await rmdir(pids).catch(() => undefined);
    throw error;
  }
  return track(pids, {
    version: 1,
    procsFiles: [path.join(pids, 'cgroup.procs'), path.join(memory, 'cgroup.procs')],
    async hit() {
      if ((await counter(path.join(pids, 'pids.events'), 'max')) > 0) return hit('process', limits.maxProcesses);
      if ((await counter(path.join(memory, 'memory.oom_control'), 'oom_kill')) > 0) return hit('memory', limits.memoryBytes);
      return null;
    },
    remove: () => emptyAndRemove([pids, memory]),
  });
}

/** A `key value` line's value in a cgroup file (0 when absent). */
async function counter(file: string, key: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * SIGKILLs every process in `dirs` until they are empty (a fork bomb forks while it is being
 * killed, but not past `pids.max`), then removes them. Only processes in the build's own
 * cgroup are signalled: nothing else of the host.
 */
async function emptyAndRemove(dirs: readonly string[]): Promise<void> {
  const deadline = Date.now() + KILL_MS;
  for (const dir of dirs) {
    for (;;) {
      const procs = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
      for (const pid of procs) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      const removed = await rmdir(dir).then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
      );
      if (removed || Date.now() > deadline) break;
      await sleep(procs.length ? 10 : 50);
    }
  }
}

/**
 * The host command that runs `command` inside the cgroup: a `/bin/sh` that writes its own pid
 * into each `procsFiles` (failing with 125 when it cannot) and then execs the command, so bwrap
 * and everything it starts are in the cgroup from their first instruction on.
 */
export function inCgroup(procsFiles: readonly string[], command: string, args: readonly string[]): [string, string[]] {
  if (procsFiles.length === 0) return [command, [...args]];
  // `unset PWD`: dash exports it, and the sandbox gets no variable it was not given.
  const script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; unset PWD; exec "$@"';
  return ['/bin/sh', ['-c', script, 'sh', ...procsFiles, '--', command, ...args]];
}

/**
 * Watches `cgroup` while its command runs: calls `stop` with the limit once the process limit
 * (a fork bomb, which would otherwise spin at the limit until the timeout) or the memory limit
 * (the kernel killed one of its processes) is hit. Returns the function that ends the watch.
 */
export function watchCgroup(cgroup: BuildCgroup, stop: (hit: LimitHit) => void): () => void {
  let done = false;
  const tick = async (): Promise<void> => {
    while (!done) {
      const found = await cgroup.hit();
      if (found && !done) {
        done = true;
        stop(found);
        return;
      }
      await sleep(WATCH_MS);
    }
  };
  void tick();
  return () => void (done = true);
}

/** How to start one limited sandbox, and what to do once it has ended. */
export interface LimitedRun {
  command: string;
  args: string[];
  /** Stops the watch, empties and removes the cgroup; the limit the command ran into, if any. */
  finish(exitCode: number | null, signal: NodeJS.Signals | null): Promise<LimitHit | null>;
}

/**
 * Puts `limits` around `bwrap <bwrapArgs> <command>`: a per-build cgroup (when one is usable)
 * holds bwrap and all it starts, `prlimit` sets the rlimits on bwrap, which all it starts inherits, and `stop` is called (the caller kills the tree) as soon as the process or memory
 * limit is hit. Returns `null` when there is no `prlimit`: the caller must not run the command.
 * @see https://docs.kernel.org/admin-guide/cgroup-v2.html#pid
 */
export async function limitSandbox(
  limits: SandboxLimits,
  bwrap: string,
  bwrapArgs: readonly string[],
  command: readonly string[],
  log: Logger,
  stop: () => void,
): Promise<LimitedRun | null> {
  const prlimit = findPrlimit();
  if (!prlimit) return null;
  const cgroup = await createBuildCgroup(limits, log);
  let found: LimitHit | null = null;
  const unwatch = cgroup
    ? watchCgroup(cgroup, (limit) => {
        found = limit;
        stop();
      })
    : () => undefined;
  // The rlimits are set on bwrap itself, which passes them on unchanged to the command; its
  // command line, which the sandbox sees as its pid 1's, stays `bwrap --args 0 -- <command>`.
  const [file, args] = inCgroup(cgroup?.procsFiles ?? [], prlimit, [...rlimitOptions(limits), '--', bwrap, ...bwrapArgs, ...command]);
  return {
    command: file,
    args,
    async finish(exitCode, signal) {
      unwatch();
      if (cgroup) {
        found ??= await cgroup.hit();
        await cgroup.remove();
      }
      return found ?? rlimitHit(limits, exitCode, signal);
    },
  };
}

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { minimalEnv } from '../process/minimal-env';
import { CommandError, runCommand } from '../process/run-process';

/** A storage tool (buildah, umount) through the one process runner; a non-zero exit throws, as the probes want. */
async function exec(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<{ stdout: string }> {
  const result = await runCommand(command, args, { ...(options.env ? { env: options.env } : {}), ...(options.timeout ? { timeoutMs: options.timeout } : {}) });
  if (result.code !== 0) throw new CommandError(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return { stdout: result.stdout };
}

export type StorageDriver = 'overlay' | 'vfs';

/** Where a builder keeps its images: never the host's default storage. */
export interface BuildahStorage {
  root: string;
  runroot: string;
  driver: StorageDriver;
}

const probes = new Map<string, Promise<StorageDriver>>();

/**
 * The storage driver for a buildah root: the one the root already uses (containers/storage
 * refuses to open a root with another), else `overlay` when a trial container can be mounted
 * with it here, else `vfs` (slower: 2-3 s against 0.6 s for a small build, but works anywhere).
 * Probed once per root and process.
 * @see https://github.com/containers/storage/blob/main/docs/containers-storage.conf.5.md
 */
export function storageDriverFor(root: string, runroot: string): Promise<StorageDriver> {
  const key = path.resolve(root);
  let probe = probes.get(key);
  if (!probe) {
    probe = chooseDriver(key, path.resolve(runroot));
    probes.set(key, probe);
  }
  return probe;
}

async function chooseDriver(root: string, runroot: string): Promise<StorageDriver> {
  if (existsSync(path.join(root, 'overlay-images'))) return 'overlay';
  if (existsSync(path.join(root, 'vfs-images'))) return 'vfs';
  const trial = `${root}.probe-${process.pid}`;
  const args = ['--root', trial, '--runroot', `${runroot}.probe-${process.pid}`, '--storage-driver', 'overlay'];
  const env = minimalEnv('/');
  try {
    await mkdir(trial, { recursive: true });
    const { stdout } = await exec('buildah', [...args, 'from', '--quiet', 'scratch'], { env, timeout: 30_000 });
    const container = stdout.trim();
    await exec('buildah', [...args, 'mount', container], { env, timeout: 30_000 });
    await exec('buildah', [...args, 'rm', container], { env, timeout: 30_000 });
    return 'overlay';
  } catch {
    return 'vfs';
  } finally {
    await removeStorage(trial, `${runroot}.probe-${process.pid}`);
  }
}

/**
 * Mount points at or below `dir`, deepest first, from `/proc/self/mountinfo` (whose field 5 is
 * the mount point, with space, tab, newline and backslash octal-escaped).
 * @see https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html
 */
export async function mountsBelow(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_all, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Unmounts what buildah left mounted under its storage: containers of builds a killed process
 * never removed (`buildah umount --all`), and the overlay driver's own mounts of its folders,
 * which outlive the buildah processes (containers/storage mounts them once per boot). Called
 * when the embedded runtime starts and stops, never while one of its builds runs. Returns the
 * mount points that were still there.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-umount.1.md
 */
export async function unmountStorage(root: string, runroot: string): Promise<string[]> {
  const dirs = [path.resolve(root), path.resolve(runroot)];
  const before = (await Promise.all(dirs.map(mountsBelow))).flat();
  if (before.length === 0) return [];
  const driver: StorageDriver | null = existsSync(path.join(dirs[0]!, 'overlay-images'))
    ? 'overlay'
    : existsSync(path.join(dirs[0]!, 'vfs-images'))
      ? 'vfs'
      : null;
  if (driver) {
    const args = ['--root', dirs[0]!, '--runroot', dirs[1]!, '--storage-driver', driver, 'umount', '--all'];
    await exec('buildah', args, { env: minimalEnv('/'), timeout: 60_000 }).catch(() => undefined);
  }
  for (const dir of dirs) {
    for (const mountPoint of await mountsBelow(dir)) await exec('umount', ['-l', mountPoint], { timeout: 30_000 }).catch(() => undefined);
  }
  return before;
}

/**
 * Removes a buildah storage root and run root, unmounting what is still mounted below them
 * first (overlay layers of an interrupted build), so `rm -r` does not stop on EBUSY.
 */
export async function removeStorage(root: string, runroot: string): Promise<void> {
  for (const dir of [root, runroot]) {
    for (const mountPoint of await mountsBelow(dir)) await exec('umount', ['-l', mountPoint]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

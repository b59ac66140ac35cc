import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { unmountStorage } from '../builds/storage';
import { killTree } from '../process/kill-tree';
import { startTimeOf } from './data-dir-lock';

/** Where the embedded runtime's processes leave things behind when they are killed. */
export interface LeftoverPlaces {
  /** Build folders are `<workDir>/builds/build-<id>-XXXXXX`. */
  workDir: string;
  /** The filesystem store's root (`<dataDir>/store`), or `null` for S3. */
  storeRoot: string | null;
  /** The local backend's buildah storage, or `null` for another backend. */
  buildah: { root: string; runroot: string } | null;
}

/** What was cleaned. */
export interface LeftoversCleaned {
  workFolders: string[];
  /** Pids of processes a dead run had started that still worked in its build folders or buildah storage. */
  orphans: number[];
  tempFiles: number;
  lockFiles: number;
  mounts: string[];
}

/** A store temporary file younger than this may be a put of a live process (a short CLI command). */
const TEMP_MIN_AGE_MS = 10_000;

/**
 * Removes what dead builds and writers left: build folders (all but those `keep` names: this
 * process's running builds), the fs store's temporary files older than 10 s and its per-key lock
 * files whose process is gone, and buildah's mounts under its storage (`mounts: false` skips
 * them, for the end of one build while others may run). With `orphans` (at start only), first
 * kills what a dead run had started there (see {@link killOrphans}). Call with the data dir lock held.
 * @see ./data-dir-lock.ts
 */
export async function cleanLeftovers(
  places: LeftoverPlaces,
  options: { keep?: (folder: string) => boolean; mounts?: boolean; orphans?: boolean; now?: number; tempMinAgeMs?: number } = {},
): Promise<LeftoversCleaned> {
  const cleaned: LeftoversCleaned = { workFolders: [], orphans: [], tempFiles: 0, lockFiles: 0, mounts: [] };
  const builds = path.join(places.workDir, 'builds');
  if (options.orphans) cleaned.orphans = await killOrphans(places);
  for (const name of await names(builds)) {
    if (options.keep?.(name)) continue;
    await fs.rm(path.join(builds, name), { recursive: true, force: true });
    cleaned.workFolders.push(name);
  }
  if (places.storeRoot) {
    const now = options.now ?? Date.now();
    const tmp = path.join(places.storeRoot, '.ccp-store', 'tmp');
    for (const name of await names(tmp)) {
      const file = path.join(tmp, name);
      const stat = await fs.lstat(file).catch(() => null);
      if (!stat || now - stat.mtimeMs < (options.tempMinAgeMs ?? TEMP_MIN_AGE_MS)) continue;
      await fs.rm(file, { recursive: true, force: true });
      cleaned.tempFiles += 1;
    }
    const locks = path.join(places.storeRoot, '.ccp-store', 'locks');
    for (const name of await names(locks)) {
      const file = path.join(locks, name);
      const [pid, host] = (await fs.readFile(file, 'utf8').catch(() => '')).trim().split(' ');
      // A lock of a live writer, or of another host, stays (the store breaks those by age itself).
      if (host !== hostname() || startTimeOf(Number(pid)) !== null) continue;
      await fs.rm(file, { force: true });
      cleaned.lockFiles += 1;
    }
  }
  if (places.buildah && options.mounts !== false) cleaned.mounts = await unmountStorage(places.buildah.root, places.buildah.runroot);
  return cleaned;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

/**
 * SIGKILLs the processes a killed run left working on its data dir: those whose working folder
 * is below `<work>/builds/` (prebuild scripts, checkouts) or whose arguments name the buildah
 * storage (`buildah bud --root …`), with their trees. Only the data dir's lock holder calls it,
 * so none of them belongs to a live runtime; this process and its ancestors are never touched.
 * Returns the pids killed.
 * @see ../process/kill-tree.ts
 */
export async function killOrphans(places: LeftoverPlaces): Promise<number[]> {
  const builds = `${path.resolve(places.workDir, 'builds')}/`;
  const storage = places.buildah ? [path.resolve(places.buildah.root), path.resolve(places.buildah.runroot)] : [];
  const spared = new Set([process.pid, process.ppid]);
  const killed: number[] = [];
  for (const name of await names('/proc')) {
    if (!/^\d+$/.test(name) || spared.has(Number(name))) continue;
    const cwd = await fs.readlink(`/proc/${name}/cwd`).catch(() => '');
    const args = (await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const works = cwd.startsWith(builds) || args.some((arg) => arg.startsWith(builds) || storage.includes(arg));
    if (!works) continue;
    killTree(Number(name));
    killed.push(Number(name));
  }
  return killed;
}

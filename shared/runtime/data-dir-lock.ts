import { promises as fs, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** What the lock file says of its holder. */
export interface LockHolder {
  pid: number;
  /** The holder's start time in clock ticks after boot (`/proc/<pid>/stat` field 22): a reused pid has another. */
  startTime: number;
  host: string;
}

/** Another live process runs the embedded runtime on this data dir. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(`the data dir ${dataDir} is in use by process ${holder.pid} on ${holder.host} (stop it, or use another --data-dir)`);
  }
}

/** A held lock; `fresh` is false when this process already held it (a second runtime in one process). */
export interface DataDirLock {
  fresh: boolean;
  release(): Promise<void>;
}

const held = new Map<string, number>();

/**
 * Takes `<dataDir>/ccp.lock` for this process: what the embedded runtime finds left in the data
 * dir (journal, build records, work folders, mounts) then belongs to a process that is gone, and
 * may be taken over or cleaned. The file holds pid, start time and host; a holder whose pid no
 * longer runs, or runs with another start time (pid reused), is dead and its lock is taken
 * over. A live holder on this host, or any holder on another host within its lock's lifetime,
 * makes this throw {@link DataDirInUseError}. Runtimes of one process share the lock.
 * @see https://man7.org/linux/man-pages/man5/proc.5.html (/proc/pid/stat, starttime)
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(path.resolve(dataDir), 'ccp.lock');
  const count = held.get(file) ?? 0;
  if (count > 0) {
    held.set(file, count + 1);
    return { fresh: false, release: () => releaseLock(file) };
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const mine: LockHolder = { pid: process.pid, startTime: startTimeOf(process.pid) ?? 0, host: hostname() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      // `wx` is O_CREAT|O_EXCL: of two processes starting at once, one wins.
      await fs.writeFile(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      held.set(file, 1);
      return { fresh: true, release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
    await fs.rm(file, { force: true });
  }
  throw new Error(`could not take ${file}: other processes keep taking it`);
}

async function releaseLock(file: string): Promise<void> {
  const count = (held.get(file) ?? 1) - 1;
  if (count > 0) {
    held.set(file, count);
    return;
  }
  held.delete(file);
  const holder = await readHolder(file);
  if (holder?.pid === process.pid && holder.host === hostname()) await fs.rm(file, { force: true });
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const value = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.startTime !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, startTime: value.startTime, host: value.host };
  } catch {
    return null;
  }
}

/** Whether the holder still runs: on this host by pid and start time; on another host it is assumed to. */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  const startTime = startTimeOf(holder.pid);
  return startTime !== null && startTime === holder.startTime;
}

/** Field 22 of `/proc/<pid>/stat`, or `null` when no such process runs. */
export function startTimeOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

import { randomUUID, createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError, type StoreOperation } from './errors';
import type { AnchoredRoot, OpenFolder } from './fs-anchored';

/** A lock whose holder left it longer ago than this is taken over (a crashed writer). */
const STALE_AFTER_MS = 60_000;

/**
 * One writer per key, within a process and across processes on one host, for the filesystem
 * store. In a process, writers of a key queue on a promise chain; across processes they race to
 * create `<dir>/<sha256(key)>.lock` with `O_CREAT|O_EXCL` (`wx`), which the kernel grants to
 * exactly one. The file holds `pid host`; a lock whose holder process is gone (same host) or
 * that is older than a minute is renamed away and removed, then the race starts again. Renaming
 * a stale lock can, in a window of microseconds, remove a lock just taken by a third process;
 * writers that crash are rare enough here that this is accepted (and documented in readme.md).
 * The lock folder is reached through {@link AnchoredRoot} (no link followed on the way); a link
 * planted in a lock file's place is never read through and counts as a stale lock.
 * @see https://man7.org/linux/man-pages/man2/open.2.html (O_EXCL)
 */
export class KeyLocks {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly root: AnchoredRoot,
    /** The lock folder, as segments below the root. */
    private readonly dir: readonly string[],
    private readonly timeoutMs = 30_000,
  ) {}

  /** Runs `work` while holding the lock of `key`. */
  async withLock<T>(operation: StoreOperation, key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.queues.set(key, tail);
    await previous;
    try {
      const { folder, file } = await this.acquire(operation, key);
      try {
        return await work();
      } finally {
        await fs.rm(file, { force: true });
        await folder.close();
      }
    } finally {
      release();
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  private async acquire(operation: StoreOperation, key: string): Promise<{ folder: OpenFolder; file: string }> {
    const name = `${createHash('sha256').update(key).digest('hex')}.lock`;
    const shown = [...this.dir, name].join('/');
    const deadline = Date.now() + this.timeoutMs;
    let folder = (await this.root.openFolder(operation, key, this.dir, true))!;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const file = folder.entry(name);
        try {
          // `wx` is O_CREAT|O_EXCL: exactly one creator wins, and a link in its place is never followed.
          await fs.writeFile(file, `${process.pid} ${hostname()}\n`, { flag: 'wx' });
          return { folder, file };
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            await folder.close();
            folder = (await this.root.openFolder(operation, key, this.dir, true))!;
            continue;
          }
          if (code !== 'EEXIST') throw new StoreError(operation, key, `cannot create lock file ${shown}: ${(error as Error).message}`, code);
        }
        if (await isStale(file)) {
          await breakLock(folder, name);
          continue;
        }
        if (Date.now() > deadline) {
          throw new StoreError(operation, key, `timed out after ${this.timeoutMs} ms waiting for lock file ${shown}`, 'ELOCKED');
        }
        await sleep(Math.min(50, 2 ** Math.min(attempt, 5)) + Math.random() * 5);
      }
    } catch (error) {
      await folder.close();
      throw error;
    }
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    if ((await fs.lstat(file)).isSymbolicLink()) return true;
    const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let stat, text;
    try {
      [stat, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    } finally {
      await handle.close();
    }
    if (!stat.isFile() || Date.now() - stat.mtimeMs > STALE_AFTER_MS) return true;
    const [pid, host] = text.trim().split(' ');
    return host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !isAlive(Number(pid));
  } catch {
    // Gone already (released), or just created and not yet written: not stale.
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakLock(folder: OpenFolder, name: string): Promise<void> {
  const aside = folder.entry(`${name}.stale-${randomUUID()}`);
  try {
    await fs.rename(folder.entry(name), aside);
    await fs.rm(aside, { force: true });
  } catch {
    // Another process broke or released it first.
  }
}

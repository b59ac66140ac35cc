import { randomUUID, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError, type StoreOperation } from './errors';

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
 * @see https://man7.org/linux/man-pages/man2/open.2.html (O_EXCL)
 */
export class KeyLocks {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
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
      const file = await this.acquire(operation, key);
      try {
        return await work();
      } finally {
        await fs.rm(file, { force: true });
      }
    } finally {
      release();
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  private async acquire(operation: StoreOperation, key: string): Promise<string> {
    const file = path.join(this.dir, `${createHash('sha256').update(key).digest('hex')}.lock`);
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fs.writeFile(file, `${process.pid} ${hostname()}\n`, { flag: 'wx' });
        return file;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          await fs.mkdir(this.dir, { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw new StoreError(operation, key, `cannot create lock file ${file}: ${(error as Error).message}`, code);
      }
      if (await isStale(file)) {
        await breakLock(file);
        continue;
      }
      if (Date.now() > deadline) {
        throw new StoreError(operation, key, `timed out after ${this.timeoutMs} ms waiting for lock file ${file}`, 'ELOCKED');
      }
      await sleep(Math.min(50, 2 ** Math.min(attempt, 5)) + Math.random() * 5);
    }
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    const [stat, text] = await Promise.all([fs.stat(file), fs.readFile(file, 'utf8')]);
    if (Date.now() - stat.mtimeMs > STALE_AFTER_MS) return true;
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

async function breakLock(file: string): Promise<void> {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    await fs.rename(file, aside);
    await fs.rm(aside, { force: true });
  } catch {
    // Another process broke or released it first.
  }
}

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataDirInUseError, lockDataDir, startTimeOf } from './data-dir-lock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes pid and start time, is shared by runtimes of one process, and goes with the last release', async () => {
    const first = await lockDataDir(dir);
    const second = await lockDataDir(dir);
    expect([first.fresh, second.fresh]).toEqual([true, false]);
    expect(JSON.parse(await readFile(path.join(dir, 'ccp.lock'), 'utf8'))).toEqual({
      pid: process.pid,
      startTime: startTimeOf(process.pid),
      host: os.hostname(),
    });
    await second.release();
    expect(existsSync(path.join(dir, 'ccp.lock'))).toBe(true);
    await first.release();
    expect(existsSync(path.join(dir, 'ccp.lock'))).toBe(false);
  });

  it.each([
    ['a pid that no longer runs', { pid: 999_999_999, startTime: 1 }],
    ['a reused pid (same pid, another start time)', { pid: process.pid, startTime: -1 }],
  ])('takes over the lock of %s', async (_name, holder) => {
    await writeFile(path.join(dir, 'ccp.lock'), JSON.stringify({ ...holder, host: os.hostname() }));
    const lock = await lockDataDir(dir);
    expect(lock.fresh).toBe(true);
    await lock.release();
  });

  it('refuses a data dir a live process holds', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(path.join(dir, 'ccp.lock'), JSON.stringify({ pid: other.pid, startTime: startTimeOf(other.pid!), host: os.hostname() }));
      const taking = lockDataDir(dir);
      await expect(taking).rejects.toThrow(DataDirInUseError);
      await expect(taking).rejects.toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

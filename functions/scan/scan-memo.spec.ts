import { silentLogger } from '../../shared/log/logger';
import type { ScanEnvironment, ScanMemo, Scanner, ScannerResult, ScanTarget } from '../../shared/reports/scanner-types';
import { runScanners } from './run-scanners';
import { openScanMemo, ScanEndedError } from './scan-memo';

/** A promise settled from outside, so a test decides when a read ends. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('openScanMemo', () => {
  it('runs a read once for callers that ask at the same time, and gives each the same value', async () => {
    const memo = openScanMemo();
    const pending = deferred<string[]>();
    let reads = 0;
    const read = (): Promise<string[]> => {
      reads += 1;
      return pending.promise;
    };
    const callers = [memo.get('rpmdb', read), memo.get('rpmdb', read), memo.get('rpmdb', read)];
    pending.resolve(['bash', 'glibc']);
    const values = await Promise.all(callers);
    expect(reads).toEqual(1);
    expect(values[0]).toEqual(['bash', 'glibc']);
    expect(values[1]).toBe(values[0]);
    expect(values[2]).toBe(values[0]);
  });

  it('keeps keys apart', async () => {
    const memo = openScanMemo();
    const values = await Promise.all([memo.get('a', async () => 'first'), memo.get('b', async () => 'second')]);
    expect([values, memo.size]).toEqual([['first', 'second'], 2]);
  });

  it('gives a rejection to every caller, the same error, started once', async () => {
    const memo = openScanMemo();
    const pending = deferred<string>();
    let reads = 0;
    const read = (): Promise<string> => {
      reads += 1;
      return pending.promise;
    };
    const callers = [memo.get('repo', read), memo.get('repo', read)];
    const failure = new Error('repo base unreachable');
    pending.reject(failure);
    const outcomes = await Promise.allSettled([...callers, memo.get('repo', read)]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(reads).toEqual(1);
  });

  it('throws an error a read throws at once to every caller, without reading again', () => {
    const memo = openScanMemo();
    let reads = 0;
    const read = (): string => {
      reads += 1;
      throw new RangeError('no such root');
    };
    expect(() => memo.get('os-release', read)).toThrow(new RangeError('no such root'));
    expect(() => memo.get('os-release', read)).toThrow(new RangeError('no such root'));
    expect(reads).toEqual(1);
  });

  it('does not report a rejection nobody awaits yet as unhandled', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const memo = openScanMemo();
      memo.get('repo', () => Promise.reject(new Error('down')));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('forgets everything at close, aborts the reads still running and keeps nothing read after', async () => {
    const memo = openScanMemo();
    let signal: AbortSignal | undefined;
    memo.get('rpmdb', (given) => {
      signal = given;
      return new Promise<never>(() => undefined);
    });
    expect([memo.size, signal?.aborted]).toEqual([1, false]);
    memo.close();
    expect([memo.size, signal?.aborted, signal?.reason instanceof ScanEndedError]).toEqual([0, true, true]);
    let reads = 0;
    const late = (): number => ++reads;
    expect([memo.get('late', late), memo.get('late', late), memo.size]).toEqual([1, 2, 0]);
  });

  it('aborts its reads when the whole scan is aborted', () => {
    const scan = new AbortController();
    const memo = openScanMemo(scan.signal);
    let signal: AbortSignal | undefined;
    memo.get('rpmdb', (given) => (signal = given));
    scan.abort(new Error('delivery deadline'));
    expect([signal?.aborted, (signal?.reason as Error).message]).toEqual([true, 'delivery deadline']);
  });

  it('shares nothing between two scans', async () => {
    const first = openScanMemo();
    const second = openScanMemo();
    let reads = 0;
    const read = async (): Promise<number> => ++reads;
    expect(await Promise.all([first.get('rpmdb', read), second.get('rpmdb', read), first.get('rpmdb', read)])).toEqual([1, 2, 1]);
  });
});

describe('runScanners and the scan memo', () => {
  const target: ScanTarget = { rootfs: '/nonexistent', imageRef: 'test/image:latest', config: {} };
  const env: ScanEnvironment = {
    log: silentLogger,
    cacheDir: '/nonexistent',
    rewriteUrl: (url) => url,
    registries: { pypi: '', npm: '', rubygems: '' },
    timeoutMs: 1000,
  };
  const ok: ScannerResult = { status: 'ok', findings: [], packages: [] };

  /** A scanner that reads `key` through the memo it is given and records that memo. */
  function reader(id: string, seen: (ScanMemo | undefined)[], read: () => Promise<string>): Scanner {
    return {
      id,
      version: '1.0.0',
      description: id,
      async scan(_target, scanEnv) {
        seen.push(scanEnv.memo);
        const value = await scanEnv.memo!.get('shared', read);
        return { ...ok, notes: [value] };
      },
    };
  }

  it('gives the scanners of one run one memo, a new one to the next run, and empties it at the end', async () => {
    const seen: (ScanMemo | undefined)[] = [];
    let reads = 0;
    const read = async (): Promise<string> => `read ${++reads}`;
    const scanners = [reader('one', seen, read), reader('two', seen, read)];
    const first = await runScanners(scanners, target, env, 1000);
    const second = await runScanners(scanners, target, env, 1000);
    expect([...first, ...second].map((run) => run.result.notes)).toEqual([['read 1'], ['read 1'], ['read 2'], ['read 2']]);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).toBe(seen[3]);
    expect(seen[2]).not.toBe(seen[0]);
    expect((seen[0] as ReturnType<typeof openScanMemo>).size).toEqual(0);
    expect(env.memo).toBeUndefined();
  });

  it('reports a shared read that fails as the failure of every scanner that needed it', async () => {
    const seen: (ScanMemo | undefined)[] = [];
    const read = (): Promise<string> => Promise.reject(new RangeError('rpmdb unreadable'));
    const runs = await runScanners([reader('one', seen, read), reader('two', seen, read)], target, env, 1000);
    expect(runs.map((run) => [run.result.status, run.result.reason])).toEqual([
      ['failed', 'RangeError: rpmdb unreadable'],
      ['failed', 'RangeError: rpmdb unreadable'],
    ]);
  });

  it('uses a memo the caller gives, and leaves it open', async () => {
    const memo = openScanMemo();
    const seen: (ScanMemo | undefined)[] = [];
    await runScanners([reader('one', seen, async () => 'given')], target, { ...env, memo }, 1000);
    expect([seen[0] === memo, memo.size, await memo.get('shared', async () => 'other')]).toEqual([true, 1, 'given']);
  });
});

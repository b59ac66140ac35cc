import type { ScannerRun } from '../../shared/reports/types';
import type { ScanEnvironment, Scanner, ScanTarget } from '../../shared/reports/scanner-types';
import { openScanMemo } from './scan-memo';

/** A scanner ran past its time limit. */
export class ScannerTimeoutError extends Error {
  override readonly name = 'ScannerTimeoutError';
}

/**
 * Runs every scanner on the same target at once, each within `timeoutMs`. A scanner that
 * throws or runs out of time is reported `failed` with the reason; the others still report.
 * A scanner that overruns is told to stop through `env.signal` (its host tools are killed with
 * every process they started) and its late answer is dropped.
 * What several scanners read (the rpmdb, the repos' metadata, the language package walks) is
 * read once for all through a memo of this run (`env.memo`), emptied when every scanner has
 * answered or run out of time; a memo given in `env` is used instead, and left to its owner.
 * Runs come back in the order of `scanners`.
 */
export async function runScanners(scanners: readonly Scanner[], target: ScanTarget, env: ScanEnvironment, timeoutMs: number): Promise<ScannerRun[]> {
  const own = env.memo ? null : openScanMemo(env.signal);
  const memo = env.memo ?? own!;
  try {
    return await runEach(scanners, target, { ...env, memo }, timeoutMs);
  } finally {
    own?.close();
  }
}

function runEach(scanners: readonly Scanner[], target: ScanTarget, env: ScanEnvironment, timeoutMs: number): Promise<ScannerRun[]> {
  return Promise.all(
    scanners.map(async (scanner): Promise<ScannerRun> => {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const log = env.log.child({ scanner: scanner.id });
      let timer: NodeJS.Timeout | undefined;
      const stop = new AbortController();
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            stop.abort(new ScannerTimeoutError(`no result within ${timeoutMs} ms`));
            reject(new ScannerTimeoutError(`no result within ${timeoutMs} ms`));
          }, timeoutMs);
        });
        const signal = env.signal ? AbortSignal.any([env.signal, stop.signal]) : stop.signal;
        const result = await Promise.race([scanner.scan(target, { ...env, log, signal }), timeout]);
        log.info('scanned', { status: result.status, findings: result.findings.length, packages: result.packages.length, ms: Date.now() - started });
        return { scanner, result, startedAt, durationMs: Date.now() - started };
      } catch (error) {
        const reason = error instanceof ScannerTimeoutError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
        log.warn('scanner failed', { reason });
        return { scanner, result: { status: 'failed', reason, findings: [], packages: [] }, startedAt, durationMs: Date.now() - started };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** The result of every scanner when there is nothing to scan: `skipped`, with the reason. */
export function skippedRuns(scanners: readonly Scanner[], reason: string, at: Date = new Date()): ScannerRun[] {
  return scanners.map((scanner) => ({
    scanner,
    result: { status: 'skipped', reason, findings: [], packages: [] },
    startedAt: at.toISOString(),
    durationMs: 0,
  }));
}

import type { ScanMemo } from '../../shared/reports/scanner-types';

/** Why the memo's reads are stopped: the scan they belong to has ended. */
export class ScanEndedError extends Error {
  override readonly name = 'ScanEndedError';
}

/** A {@link ScanMemo} that its scan ends with {@link OpenScanMemo.close}. */
export interface OpenScanMemo extends ScanMemo {
  /** How many keys are held (0 once closed). */
  readonly size: number;
  /** Forgets every value (so their memory can be reclaimed) and aborts the reads still running; later reads are not kept. */
  close(): void;
}

type Entry = { value: unknown } | { error: unknown };

/**
 * The memo of one scan: each key read once, the promise stored so that scanners asking at the
 * same time share one read. Reads run under `scanSignal` (the whole scan's, e.g. the delivery's
 * deadline) and are aborted at {@link OpenScanMemo.close}; a scanner that asks after the close
 * (one that overran its time and is being dropped) gets a read of its own, under the aborted
 * signal, that nothing keeps.
 * @see ./readme.md
 */
export function openScanMemo(scanSignal?: AbortSignal): OpenScanMemo {
  const entries = new Map<string, Entry>();
  const ended = new AbortController();
  const signal = scanSignal ? AbortSignal.any([scanSignal, ended.signal]) : ended.signal;
  return {
    get size() {
      return entries.size;
    },
    get<T>(key: string, read: (signal: AbortSignal) => T): T {
      let entry = entries.get(key);
      if (!entry) {
        try {
          const value = read(signal);
          // Every caller awaits the promise it gets; this only keeps a rejection no caller has
          // reached yet from counting as unhandled.
          if (value instanceof Promise) value.catch(() => undefined);
          entry = { value };
        } catch (error) {
          entry = { error };
        }
        if (!ended.signal.aborted) entries.set(key, entry);
      }
      if ('error' in entry) throw entry.error;
      return entry.value as T;
    },
    close() {
      entries.clear();
      ended.abort(new ScanEndedError('the scan has ended'));
    },
  };
}

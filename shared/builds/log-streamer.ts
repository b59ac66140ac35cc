import { redact } from './redact';
import type { BuildLog } from '../builders/types';
import type { ObjectStore } from '../store/types';

/** Timers the streamer uses; tests pass a controllable clock. */
export interface StreamerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: StreamerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LogStreamerOptions {
  store: ObjectStore;
  key: string;
  /** Values that must never be stored (registry password, S3 keys, webhook secrets). */
  secrets: readonly string[];
  /** Least time between two writes of the object; 1000 ms by default. */
  intervalMs?: number;
  /** Bytes kept from the start and from the end when the log grows past their sum; 512 KiB each by default. */
  headBytes?: number;
  tailBytes?: number;
  clock?: StreamerClock;
  /** Called with every complete, redacted line (progress for people watching). */
  onLine?: (line: string) => void;
  /** Called when a write of the object failed; the build goes on and the next flush tries again. */
  onError?: (error: unknown) => void;
}

/** A line without a newline is cut into a line of its own past this length. */
const MAX_PENDING = 64 * 1024;

/**
 * A build log that is readable while it is written: the object store has no append, so the
 * whole log object is written again, at most once per `intervalMs` while output arrives and
 * once more at {@link LogStreamer.close}. Every configured secret is redacted line by line
 * before anything is kept; a huge log keeps its head and its tail with a marker between.
 * @see ../../README.md#object-store-layout
 */
export class LogStreamer implements BuildLog {
  private readonly head: string[] = [];
  private headSize = 0;
  private headFull = false;
  private readonly tail: string[] = [];
  private tailSize = 0;
  private omitted = 0;
  private pending = '';
  private timer: unknown = null;
  private lastFlush = -Infinity;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;
  private readonly clock: StreamerClock;
  private readonly secrets: string[];
  private readonly longestSecret: number;
  /** How many times the object was written; tests and the benchmark read it. */
  flushes = 0;

  constructor(private readonly options: LogStreamerOptions) {
    this.clock = options.clock ?? systemClock;
    this.secrets = secretLines(options.secrets);
    this.longestSecret = Math.max(0, ...this.secrets.map((secret) => secret.length));
  }

  write(text: string): void {
    if (this.closed || text === '') return;
    this.pending += text;
    let end = this.pending.indexOf('\n');
    while (end >= 0) {
      this.keep(redact(this.pending.slice(0, end + 1), this.secrets));
      this.pending = this.pending.slice(end + 1);
      end = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_PENDING) this.cutPending();
    this.dirty = true;
    this.schedule();
  }

  /** The log as it would be stored now. */
  text(): string {
    const marker = this.omitted > 0 ? `\n… ${this.omitted} bytes of the log left out …\n\n` : '';
    return this.head.join('') + marker + this.tail.join('') + redact(this.pending, this.secrets);
  }

  /** Writes the object now (waits for a write in progress first). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(() => this.writeObject());
    return this.writing;
  }

  /** Resolves when the writes started so far have ended. */
  written(): Promise<void> {
    return this.writing;
  }

  /** Stores the last unfinished line and the final log; later writes are ignored. */
  async close(): Promise<void> {
    if (this.pending) {
      this.keep(redact(this.pending, this.secrets));
      this.pending = '';
    }
    this.closed = true;
    this.dirty = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    const wait = Math.max(0, this.lastFlush + (this.options.intervalMs ?? 1000) - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
  }

  private async writeObject(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastFlush = this.clock.now();
    try {
      await this.options.store.put(this.options.key, this.text(), { contentType: 'text/plain; charset=utf-8' });
      this.flushes += 1;
    } catch (error) {
      this.dirty = true;
      this.options.onError?.(error);
    }
  }

  /**
   * A long line without a newline (a progress bar) is cut, but the last characters that could
   * start a secret stay pending so that a secret split across writes is still caught whole.
   */
  private cutPending(): void {
    const redacted = redact(this.pending, this.secrets);
    const keep = Math.max(0, this.longestSecret - 1);
    this.keep(`${redacted.slice(0, redacted.length - keep)}\n`);
    this.pending = redacted.slice(redacted.length - keep);
  }

  private keep(line: string): void {
    this.options.onLine?.(line.replace(/\n$/, ''));
    const size = Buffer.byteLength(line);
    const headLimit = this.options.headBytes ?? 512 * 1024;
    if (!this.headFull && this.headSize + size <= headLimit) {
      this.head.push(line);
      this.headSize += size;
      return;
    }
    this.headFull = true;
    this.tail.push(line);
    this.tailSize += size;
    const tailLimit = this.options.tailBytes ?? 512 * 1024;
    while (this.tailSize > tailLimit && this.tail.length > 1) {
      const dropped = Buffer.byteLength(this.tail.shift()!);
      this.tailSize -= dropped;
      this.omitted += dropped;
    }
    if (this.tailSize > tailLimit) {
      // One line longer than the whole tail: keep its end.
      const only = this.tail[0]!;
      const kept = only.slice(only.length - tailLimit);
      this.omitted += size - Buffer.byteLength(kept);
      this.tail[0] = kept;
      this.tailSize = Buffer.byteLength(kept);
    }
  }
}

/** Secrets as they can show up on one line: a multi-line secret (a key file) by each of its lines. */
function secretLines(secrets: readonly string[]): string[] {
  const lines = secrets.flatMap((secret) => secret.split(/\r?\n/)).map((line) => line.trim()).filter((line) => line.length >= 4);
  return [...new Set(lines)].sort((a, b) => b.length - a.length);
}

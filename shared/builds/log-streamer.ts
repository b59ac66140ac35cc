import type { BuildLog } from './builder-types';
import { RedactingLog } from '../redact/redacting-stream';
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

/**
 * A build log that is readable while it is written: the object store has no append, so the
 * whole log object is written again, at most once per `intervalMs` while output arrives and
 * once more at {@link LogStreamer.close}. Every form of every configured secret is redacted
 * (`RedactingLog`: line by line, a line without a newline passed on as a line of its own once
 * 64 KiB of it are held) before anything is kept; a huge log keeps its head and its tail with a marker between.
 * @see ../../README.md#object-store-layout
 */
export class LogStreamer implements BuildLog {
  private readonly head: string[] = [];
  private headSize = 0;
  private headFull = false;
  private readonly tail: string[] = [];
  private tailSize = 0;
  private omitted = 0;
  private readonly redacting: RedactingLog;
  /** Set while the last unfinished line is passed on at close: it stays without a newline. */
  private closing = false;
  private timer: unknown = null;
  private lastFlush = -Infinity;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;
  private readonly clock: StreamerClock;
  /** How many times the object was written; tests and the benchmark read it. */
  flushes = 0;

  constructor(private readonly options: LogStreamerOptions) {
    this.clock = options.clock ?? systemClock;
    this.redacting = new RedactingLog({ write: (text) => this.take(text) }, options.secrets);
  }

  write(text: string): void {
    if (this.closed || text === '') return;
    this.redacting.write(text);
    this.dirty = true;
    this.schedule();
  }

  /** The log as it would be stored now. */
  text(): string {
    const marker = this.omitted > 0 ? `\n… ${this.omitted} bytes of the log left out …\n\n` : '';
    return this.head.join('') + marker + this.tail.join('') + this.redacting.peek();
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
    this.closing = true;
    this.redacting.flush();
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
   * Redacted text from the stream: whole lines, or a piece of a line longer than the stream
   * holds (a progress bar), which is kept as a line of its own.
   */
  private take(text: string): void {
    let from = 0;
    let end = text.indexOf('\n');
    while (end >= 0) {
      this.keep(text.slice(from, end + 1));
      from = end + 1;
      end = text.indexOf('\n', from);
    }
    if (from < text.length) this.keep(this.closing ? text.slice(from) : `${text.slice(from)}\n`);
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

/** What became of a submitted build. */
export type QueueResult<T> = { kind: 'ran'; value: T } | { kind: 'superseded'; by: string };

export interface BuildQueueOptions {
  /** Builds running at once, over all images; at least 1. */
  concurrency: number;
  /** Called when a queued build is replaced, before its submitter hears of it. */
  onSuperseded?: (id: string, by: string, key: string) => void | Promise<void>;
}

interface Waiting<T> {
  id: string;
  key: string;
  run: (signal: AbortSignal) => Promise<T>;
  settle: (result: QueueResult<T>) => void;
  fail: (error: unknown) => void;
}

/**
 * The build function's queue, in its process: builds of different images run in parallel up to
 * `concurrency`; one image (`key`, its `app-id/job-id:tag`) never has two builds at once; a
 * newer request for an image whose build is still waiting replaces the waiting one (which
 * resolves `superseded`), in its place in the line. The same build id submitted again (a
 * redelivery) joins the build already waiting or running instead of starting another.
 */
export class BuildQueue<T> {
  private readonly waiting = new Map<string, Waiting<T>>();
  private readonly runningKeys = new Set<string>();
  private readonly byId = new Map<string, Promise<QueueResult<T>>>();
  private readonly controller = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BuildQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number above 0, not ${options.concurrency}`);
    }
  }

  /** Builds running now. */
  get running(): number {
    return this.runningKeys.size;
  }

  /** Builds waiting for their image or for a slot. */
  get queued(): number {
    return this.waiting.size;
  }

  /** True while `id` waits or runs here. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Queues build `id` of image `key`; resolves with what `run` returned once it ran, or with
   * `superseded` when a newer build of the image replaced it while it waited. Rejects when
   * `run` throws.
   */
  submit(key: string, id: string, run: (signal: AbortSignal) => Promise<T>): Promise<QueueResult<T>> {
    const known = this.byId.get(id);
    if (known) return known;
    const result = new Promise<QueueResult<T>>((settle, fail) => {
      const replaced = this.waiting.get(key);
      this.waiting.set(key, { id, key, run, settle, fail });
      if (replaced) void this.supersede(replaced, id);
    });
    this.byId.set(id, result);
    const forget = (): void => {
      this.byId.delete(id);
      this.notifyIdle();
    };
    result.then(forget, forget);
    this.pump();
    return result;
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.byId.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Aborts the running builds (their backends see the signal) and refuses nothing new; for shutdown. */
  abort(): void {
    this.controller.abort();
  }

  private async supersede(replaced: Waiting<T>, by: string): Promise<void> {
    try {
      await this.options.onSuperseded?.(replaced.id, by, replaced.key);
      replaced.settle({ kind: 'superseded', by });
    } catch (error) {
      replaced.fail(error);
    }
  }

  private pump(): void {
    for (const [key, next] of this.waiting) {
      if (this.runningKeys.size >= this.options.concurrency) return;
      if (this.runningKeys.has(key)) continue;
      this.waiting.delete(key);
      this.runningKeys.add(key);
      void this.start(next);
    }
  }

  private async start(job: Waiting<T>): Promise<void> {
    try {
      job.settle({ kind: 'ran', value: await job.run(this.controller.signal) });
    } catch (error) {
      job.fail(error);
    } finally {
      this.runningKeys.delete(job.key);
      this.pump();
    }
  }

  private notifyIdle(): void {
    if (this.byId.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

import { Semaphore } from '../runtime/semaphore';
import type { ScanEnvironment } from '../reports/scanner-types';

/** A package registry could not be asked: refused connection, timeout, or a server error. */
export class RegistryUnreachableError extends Error {
  override readonly name = 'RegistryUnreachableError';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

/** How many requests one scanner has in flight at once. */
const DEFAULT_CONCURRENCY = 8;

/**
 * GETs JSON documents from a package registry for one scan: each URL asked once (answers,
 * misses and failures alike are cached for the run), at most `concurrency` requests at a time,
 * each bounded by `env.timeoutMs`, every URL passed through `env.rewriteUrl` first.
 * A 404 (or 410) is an expected miss and resolves to `null`; anything that says the registry
 * itself is not answering throws a {@link RegistryUnreachableError}.
 * @see https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
 */
export class PackageRegistryClient {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly slots: Semaphore;

  constructor(
    private readonly env: Pick<ScanEnvironment, 'rewriteUrl' | 'timeoutMs'>,
    concurrency = DEFAULT_CONCURRENCY,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  /** The parsed JSON at `url`, or `null` when the registry says there is none. */
  getJson(url: string): Promise<unknown> {
    const target = this.env.rewriteUrl(url);
    let answer = this.cache.get(target);
    if (!answer) {
      answer = this.slots.run(() => this.fetchJson(target));
      this.cache.set(target, answer);
    }
    return answer;
  }

  /** Requests sent so far (distinct URLs). */
  get requests(): number {
    return this.cache.size;
  }

  private async fetchJson(url: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.env.timeoutMs) });
    } catch (error) {
      const cause = error as Error & { cause?: { code?: string; message?: string } };
      const reason = cause.name === 'TimeoutError' ? `no answer within ${this.env.timeoutMs} ms` : (cause.cause?.code ?? cause.cause?.message ?? cause.message);
      throw new RegistryUnreachableError(url, reason);
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryUnreachableError(url, `HTTP ${response.status}`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RegistryUnreachableError(url, 'the answer is not JSON');
    }
  }
}

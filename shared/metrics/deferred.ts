import type { CcpMetrics } from './metrics';

/**
 * Records that wait, at most, for the instruments to be made: beyond this many the registry is
 * made at once, so that a process nobody scrapes does not keep every event it handled.
 */
export const MAX_PENDING_RECORDS = 256;

/**
 * A registry made when it is first needed, not when the server starts: prom-client (and the
 * OpenTelemetry API it requires, ~90 modules) is a good part of a function's cold start, and
 * Prometheus scrapes well after readiness. Until then each record waits in a queue (at most
 * {@link MAX_PENDING_RECORDS}) and is written, in order, into the registry as it is made.
 * @see https://github.com/siimon/prom-client#usage
 */
export class DeferredMetrics {
  private made: CcpMetrics | undefined;
  private readonly pending: ((metrics: CcpMetrics) => void)[] = [];

  /** `make` is called once, by the first {@link metrics} (a scrape) or a full queue. */
  constructor(private readonly make: () => CcpMetrics) {}

  /** Metrics already made (a test's own registry): records are written at once. */
  static of(metrics: CcpMetrics): DeferredMetrics {
    const deferred = new DeferredMetrics(() => metrics);
    deferred.metrics();
    return deferred;
  }

  /** Writes `write` into the registry now when it is made, else when it is. */
  record(write: (metrics: CcpMetrics) => void): void {
    if (this.made) write(this.made);
    else if (this.pending.push(write) > MAX_PENDING_RECORDS) this.metrics();
  }

  /** The registry, made now (with the records that waited) when it was not yet. */
  metrics(): CcpMetrics {
    if (!this.made) {
      const made = this.make();
      this.made = made;
      for (const write of this.pending.splice(0)) write(made);
    }
    return this.made;
  }
}

let processDeferred: DeferredMetrics | undefined;

/**
 * The process's registry (`defaultMetrics()` of ./metrics, shared with the embedded broker's
 * ingress), deferred: ./metrics and prom-client are required on its first scrape.
 * @see https://github.com/siimon/prom-client#default-metrics
 */
export function deferredDefaultMetrics(): DeferredMetrics {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  processDeferred ??= new DeferredMetrics(() => (require('./metrics') as typeof import('./metrics')).defaultMetrics());
  return processDeferred;
}

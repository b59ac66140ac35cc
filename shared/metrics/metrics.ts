import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRIC_NAMES, type FailureReason, type TickName } from './names';

export { trackQueueDepth } from './queue-depth';

/** The instruments of one registry; every function server and the embedded runtime record into one. */
export interface CcpMetrics {
  registry: Registry;
  eventsReceived: Counter<'type'>;
  eventsEmitted: Counter<'type'>;
  /** Seconds per handler call, by function and outcome (`ok` or a {@link FailureReason}). */
  handlerDuration: Histogram<'function' | 'outcome'>;
  handlerFailures: Counter<'function' | 'reason'>;
  deadLetters: Counter<'trigger'>;
  buildsCompleted: Counter<'status'>;
  buildDuration: Histogram<'status'>;
  scansCompleted: Counter<'outcome'>;
  scanDuration: Histogram<'outcome'>;
  /** Events accepted and not yet settled: the broker's deliveries, or a function's requests in flight. */
  queueDepth: Gauge<'component'>;
  tickLastSuccess: Gauge<'tick'>;
  /** What `queueDepth` reads at each scrape, by component; see {@link trackQueueDepth}. */
  depthSources: Map<string, () => number>;
}

export type { FailureReason, TickName };

/** Handler calls: a lint takes a second or two, a notify a fraction, a local build minutes. */
const HANDLER_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
/** Image builds: from a cached rebuild to an hour-long compile. */
const BUILD_BUCKETS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600];
/** Scans: rpm and package lookups over one image. */
const SCAN_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200];

/**
 * A registry with every instrument of the service, empty. Tests make their own; servers share
 * {@link defaultMetrics}.
 * @see https://github.com/siimon/prom-client#usage
 */
export function createMetrics(registry: Registry = new Registry()): CcpMetrics {
  const registers = [registry];
  const depthSources = new Map<string, () => number>();
  return {
    depthSources,
    registry,
    eventsReceived: new Counter({ name: METRIC_NAMES.eventsReceived, help: 'CloudEvents accepted, by type', labelNames: ['type'], registers }),
    eventsEmitted: new Counter({ name: METRIC_NAMES.eventsEmitted, help: 'CloudEvents emitted by the functions, by type', labelNames: ['type'], registers }),
    handlerDuration: new Histogram({
      name: METRIC_NAMES.handlerDuration,
      help: 'Seconds per handler call, by function and outcome',
      labelNames: ['function', 'outcome'],
      buckets: HANDLER_BUCKETS,
      registers,
    }),
    handlerFailures: new Counter({
      name: METRIC_NAMES.handlerFailures,
      help: 'Handler calls that did not end well, by function and reason',
      labelNames: ['function', 'reason'],
      registers,
    }),
    deadLetters: new Counter({
      name: METRIC_NAMES.deadLetters,
      help: 'Events given up after the delivery retries, by Trigger',
      labelNames: ['trigger'],
      registers,
    }),
    buildsCompleted: new Counter({
      name: METRIC_NAMES.buildsCompleted,
      help: 'Image builds finished (build.completed), by status',
      labelNames: ['status'],
      registers,
    }),
    buildDuration: new Histogram({
      name: METRIC_NAMES.buildDuration,
      help: 'Seconds per image build, from build.completed timings',
      labelNames: ['status'],
      buckets: BUILD_BUCKETS,
      registers,
    }),
    scansCompleted: new Counter({
      name: METRIC_NAMES.scansCompleted,
      help: 'Image scans finished (scan.completed), by outcome (failed when a scanner failed)',
      labelNames: ['outcome'],
      registers,
    }),
    scanDuration: new Histogram({
      name: METRIC_NAMES.scanDuration,
      help: 'Seconds per image scan, from scan.completed timings',
      labelNames: ['outcome'],
      buckets: SCAN_BUCKETS,
      registers,
    }),
    queueDepth: new Gauge({
      name: METRIC_NAMES.queueDepth,
      help: 'Events accepted and not yet settled, by component (the embedded broker, or a function server)',
      labelNames: ['component'],
      registers,
      // Read at scrape time, so the value is never stale between events.
      collect() {
        for (const [component, read] of depthSources) this.set({ component }, read());
      },
    }),
    tickLastSuccess: new Gauge({
      name: METRIC_NAMES.tickLastSuccess,
      help: 'Unix time of the last tick handled without error, by tick',
      labelNames: ['tick'],
      registers,
    }),
  };
}

let processMetrics: CcpMetrics | undefined;

/**
 * The process's own registry, made on first use, with Node's default metrics (memory, CPU,
 * event loop lag) beside the service's.
 * @see https://github.com/siimon/prom-client#default-metrics
 */
export function defaultMetrics(): CcpMetrics {
  if (!processMetrics) {
    processMetrics = createMetrics();
    collectDefaultMetrics({ register: processMetrics.registry });
  }
  return processMetrics;
}

import type { CcpMetrics } from './metrics';

/**
 * Makes `ccp_queue_depth{component}` read `read()` at every scrape; returns the function that
 * stops it (and drops the series).
 * @see https://github.com/siimon/prom-client#gauge
 */
export function trackQueueDepth(metrics: CcpMetrics, component: string, read: () => number): () => void {
  metrics.depthSources.set(component, read);
  return () => {
    if (metrics.depthSources.get(component) !== read) return;
    metrics.depthSources.delete(component);
    metrics.queueDepth.remove({ component });
  };
}

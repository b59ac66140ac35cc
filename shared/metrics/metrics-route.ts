import type { Application, Request, Response } from 'express';
import type { CcpMetrics } from './metrics';

/** Where Prometheus scrapes every process of the service. */
export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the registry in Prometheus text format (version 0.0.4). `metrics` may be a
 * function that makes the registry on the first scrape (see `DeferredMetrics`).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export function addMetricsRoute(app: Application, metrics: CcpMetrics | (() => CcpMetrics)): void {
  app.get(METRICS_PATH, (_request: Request, response: Response) => {
    const { registry } = typeof metrics === 'function' ? metrics() : metrics;
    registry.metrics().then(
      (text) => {
        response.status(200).set('Content-Type', registry.contentType).send(text);
      },
      (error: unknown) => {
        response.status(500).json({ error: `metrics could not be collected: ${error instanceof Error ? error.message : String(error)}` });
      },
    );
  });
}

import type { CcpMetrics } from '../metrics';

/** The value of the series `name{labels}` (a histogram's count under `name_count`); 0 when absent. */
export async function metricValue(metrics: CcpMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const json = await metrics.registry.getMetricsAsJSON();
  for (const metric of json) {
    for (const sample of metric.values) {
      const sampleName = (sample as { metricName?: string }).metricName ?? metric.name;
      if (sampleName !== name) continue;
      const sampleLabels = sample.labels as Record<string, unknown>;
      if (Object.entries(labels).every(([key, value]) => String(sampleLabels[key]) === value)) return sample.value;
    }
  }
  return 0;
}

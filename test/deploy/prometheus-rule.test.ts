import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../shared/config/package-root';
import { createMetrics } from '../../shared/metrics/metrics';
import { HISTOGRAM_SUFFIXES } from '../../shared/metrics/names';

const ROOT = packageRoot();

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}

const rule = parseYaml(readFileSync(path.join(ROOT, 'deploy/base/prometheusrule.yaml'), 'utf8')) as { spec: { groups: Array<{ rules: AlertRule[] }> } };
const alerts = rule.spec.groups.flatMap((group) => group.rules).filter((candidate) => candidate.alert);
const guide = readFileSync(path.join(ROOT, 'docs/admin-guide.md'), 'utf8');

/** GitHub's anchors of the guide's headings: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...guide.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
    match[1]!
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-'),
  ),
);

/** Every series name the service exports: each metric, and a histogram's `_bucket`, `_sum`, `_count`. */
async function exportedSeries(): Promise<Set<string>> {
  const metrics = createMetrics();
  const series = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    series.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of HISTOGRAM_SUFFIXES) series.add(`${metric.name}${suffix}`);
  }
  return series;
}

describe('deploy/base/prometheusrule.yaml', () => {
  it('alerts on build failures, dead letters, a stale repo tracker and a missed weekly scan', () => {
    expect(alerts.map((alert) => alert.alert)).toEqual(
      expect.arrayContaining(['CcpBuildFailureRateHigh', 'CcpDeadLettersGrowing', 'CcpRepoTrackerStale', 'CcpWeeklyScanMissed']),
    );
  });

  it.each(alerts.map((alert) => [alert.alert!, alert] as const))('%s names only metrics that shared/metrics registers', async (_name, alert) => {
    const series = await exportedSeries();
    const named = [...alert.expr.matchAll(/\bccp_[a-z0-9_]+\b/g)].map((match) => match[0]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !series.has(name))).toEqual([]);
  });

  it.each(alerts.map((alert) => [alert.alert!, alert] as const))('%s has a summary, a description and a runbook in the admin guide', (name, alert) => {
    const runbook = alert.annotations?.runbook_url ?? '';
    const anchor = runbook.split('docs/admin-guide.md#')[1] ?? '';
    expect({
      name,
      summary: Boolean(alert.annotations?.summary),
      description: Boolean(alert.annotations?.description),
      anchor,
      inGuide: anchors.has(anchor),
    }).toEqual({
      name,
      summary: true,
      description: true,
      anchor: name.toLowerCase(),
      inGuide: true,
    });
  });

  it('the metric check catches a name the code does not register (the check itself)', async () => {
    const series = await exportedSeries();
    expect(['ccp_builds_completed_total', 'ccp_build_duration_seconds_bucket', 'ccp_builds_failed_total'].map((name) => series.has(name))).toEqual([
      true,
      true,
      false,
    ]);
  });
});

import { buildScanReport } from '../../shared/reports/scan-report';
import type { ScannerRun } from '../../shared/reports/types';
import type { SeverityThreshold } from '../../shared/reports/vulnerabilities';
import { vulnerabilityFinding } from '../../shared/reports/__fixtures__/vulnerability-run';
import { scanExitStatus } from './scan';

const advisory = (band: 'critical' | 'high' | 'medium' | 'low' | 'unknown') =>
  vulnerabilityFinding({
    advisory: `OSV-${band}`,
    aliases: [],
    summary: band,
    package: 'p',
    installed: '1',
    purl: 'pkg:pypi/p@1',
    fixed: '2',
    status: 'fixable-now',
    band,
    ...(band === 'unknown' ? {} : { score: { critical: 9.8, high: 7.5, medium: 5.0, low: 2.0 }[band] }),
  });

const run = (id: string, status: 'ok' | 'failed', findings: ScannerRun['result']['findings']): ScannerRun => ({
  scanner: { id, version: '1', description: id },
  startedAt: '2026-03-01T10:00:00.000Z',
  durationMs: 1,
  result: { status, findings, packages: [] },
});

const report = (...runs: ScannerRun[]) =>
  buildScanReport({ scanId: 's', image: { ref: '127.0.0.1:5000/a/b:latest' }, scannedAt: '2026-03-01T10:00:00.000Z', durationMs: 1, runs });

const highLabel = run('capabilities', 'ok', [{ id: 'privileged', severity: 'high', title: 'runs privileged', details: {} }]);
const mediumUpdate = run('pip-updates', 'ok', [{ id: 'x', severity: 'medium', title: 'x 1 → 2', details: {} }]);

describe('scanExitStatus', () => {
  it.each<[string, ScannerRun[], SeverityThreshold | undefined, 0 | 1]>([
    ['no threshold: a high advisory fails, as before', [run('vulnerabilities', 'ok', [advisory('high')])], undefined, 1],
    ['no threshold: a medium advisory passes, as before', [run('vulnerabilities', 'ok', [advisory('medium')])], undefined, 0],
    ['no threshold: a failed scanner fails', [run('vulnerabilities', 'failed', [])], undefined, 1],
    ['critical: a high advisory passes', [run('vulnerabilities', 'ok', [advisory('high')])], 'critical', 0],
    ['critical: a critical advisory fails', [run('vulnerabilities', 'ok', [advisory('critical'), advisory('low')])], 'critical', 1],
    ['medium: a medium advisory fails', [run('vulnerabilities', 'ok', [advisory('medium')])], 'medium', 1],
    ['medium: a low advisory passes', [run('vulnerabilities', 'ok', [advisory('low')]), mediumUpdate], 'medium', 0],
    ['low: an advisory without a score passes', [run('vulnerabilities', 'ok', [advisory('unknown')])], 'low', 0],
    ['all: an advisory without a score fails', [run('vulnerabilities', 'ok', [advisory('unknown')])], 'all', 1],
    ['critical: a high finding of another scanner still fails', [run('vulnerabilities', 'ok', [advisory('low')]), highLabel], 'critical', 1],
    ['critical: a failed scanner still fails beside a high finding', [run('vulnerabilities', 'failed', []), highLabel], 'critical', 1],
    ['low: nothing found passes', [run('vulnerabilities', 'ok', [])], 'low', 0],
  ])('%s', (_case, runs, failOn, expected) => {
    expect(scanExitStatus(report(...runs), failOn)).toBe(expected);
  });
});

import { RUNS } from './__fixtures__/runs';
import { buildScanReport } from './scan-report';
import type { ScannerRun } from './types';

const BASE = {
  scanId: 'scan-1',
  image: { ref: '127.0.0.1:5000/team/web:latest', digest: 'sha256:abc' },
  scannedAt: '2026-03-01T10:00:00.000Z',
  durationMs: 15200,
};

function run(id: string, status: 'ok' | 'failed' | 'skipped', severities: ('high' | 'medium' | 'low' | 'info')[]): ScannerRun {
  return {
    scanner: { id, version: '1.0.0', description: 'x.' },
    startedAt: BASE.scannedAt,
    durationMs: 1,
    result: { status, findings: severities.map((severity, index) => ({ id: `${index}`, severity, title: 't', details: {} })), packages: [] },
  };
}

describe('buildScanReport', () => {
  it('has every scanner with version, status, reason, timings, findings, notes and counts', () => {
    const report = buildScanReport({
      ...BASE,
      project: { appId: 'team', jobId: 'web', desiredTag: 'latest' },
      buildId: 'b1',
      runs: RUNS,
      links: { buildLog: 'reports/team/web/latest/b1/build.log' },
    });
    expect(report).toMatchObject({
      format: 'ccp.scan/v1',
      scanId: 'scan-1',
      buildId: 'b1',
      image: BASE.image,
      verdict: 'high',
      counts: { high: 1, medium: 1, low: 1, info: 0 },
      links: { buildLog: 'reports/team/web/latest/b1/build.log' },
    });
    expect(Object.keys(report.scanners)).toEqual(['pip-updates', 'npm-updates', 'gem-updates', 'capabilities']);
    expect(report.scanners['npm-updates']).toEqual({
      id: 'npm-updates',
      version: '1.0.0',
      description: 'npm packages.',
      status: 'failed',
      reason: 'the npm registry unreachable: http://127.0.0.1:1/lodash: ECONNREFUSED',
      timings: { startedAt: '2026-03-01T10:00:00.000Z', durationMs: 15000 },
      counts: { high: 0, medium: 0, low: 0, info: 0 },
      findings: [],
      notes: [],
      packageCount: 1,
    });
    expect(report.scanners['pip-updates']).toMatchObject({
      counts: { high: 0, medium: 1, low: 1, info: 0 },
      notes: ['in-house: unknown to the Python package index'],
      packageCount: 3,
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it.each<[string, ScannerRun[], string | undefined, string]>([
    ['high wins over a failure', [run('a', 'failed', []), run('b', 'ok', ['high'])], undefined, 'high'],
    ['a failure makes it incomplete', [run('a', 'failed', []), run('b', 'ok', ['low'])], undefined, 'incomplete'],
    ['findings', [run('a', 'ok', ['info']), run('b', 'skipped', [])], undefined, 'findings'],
    ['clean', [run('a', 'ok', []), run('b', 'skipped', [])], undefined, 'clean'],
    ['aborted scan is skipped', [run('a', 'skipped', []), run('b', 'skipped', [])], 'Image is absent in the registry, scan is aborted.', 'skipped'],
  ])('verdict: %s', (_, runs, aborted, verdict) => {
    const report = buildScanReport({ ...BASE, runs, ...(aborted ? { aborted } : {}) });
    expect(report.verdict).toBe(verdict);
    expect(report.reason).toBe(aborted);
  });
});

import type { ScannerRun } from '../types';

const HOSTILE = '<script>alert("x")</script>';

/** Runs of four scanners: updates, a hostile package name and label, a failure and a skip. */
export const RUNS: ScannerRun[] = [
  {
    scanner: { id: 'pip-updates', version: '1.0.0', description: 'Python packages.' },
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 120,
    result: {
      status: 'ok',
      findings: [
        {
          id: 'requests@2.28.0',
          severity: 'low',
          title: 'requests 2.28.0 → 2.31.0',
          details: { installed: '2.28.0', available: '2.31.0', locations: ['usr/lib/python3/site-packages/requests-2.28.0.dist-info'] },
        },
        { id: `${HOSTILE}@1.0`, severity: 'medium', title: `${HOSTILE} 1.0 → 2.0 (new major version)`, details: { installed: '1.0', available: '2.0' } },
      ],
      packages: [
        {
          ecosystem: 'pypi',
          name: 'requests',
          version: '2.28.0',
          purl: 'pkg:pypi/requests@2.28.0',
          qualifiers: { location: 'usr/lib/python3/site-packages/requests-2.28.0.dist-info' },
        },
        { ecosystem: 'pypi', name: HOSTILE, version: '1.0', purl: `pkg:pypi/${encodeURIComponent(HOSTILE)}@1.0` },
        {
          ecosystem: 'pypi',
          name: 'requests',
          version: '2.28.0',
          purl: 'pkg:pypi/requests@2.28.0',
          qualifiers: { location: 'opt/venv/lib/python3/site-packages/requests-2.28.0.dist-info' },
        },
      ],
      notes: ['in-house: unknown to the Python package index'],
    },
  },
  {
    scanner: { id: 'npm-updates', version: '1.0.0', description: 'npm packages.' },
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 15000,
    result: {
      status: 'failed',
      reason: 'the npm registry unreachable: http://127.0.0.1:1/lodash: ECONNREFUSED',
      findings: [],
      packages: [{ ecosystem: 'npm', name: '@babel/core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0' }],
    },
  },
  {
    scanner: { id: 'gem-updates', version: '1.0.0', description: 'Ruby gems.' },
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 3,
    result: { status: 'skipped', reason: 'no Ruby gems', findings: [], packages: [] },
  },
  {
    scanner: { id: 'capabilities', version: '1.0.0', description: 'RUN label.' },
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 1,
    result: {
      status: 'ok',
      findings: [{ id: 'privileged', severity: 'high', title: 'runs privileged (--privileged)', details: { option: '--privileged', why: 'root on the host' } }],
      packages: [],
      extra: { label: { name: 'RUN', value: `docker run --privileged -e X="${HOSTILE}" IMAGE` } },
    },
  },
];

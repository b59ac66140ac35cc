import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { RUNS } from '../../../shared/reports/__fixtures__/runs';
import { buildSbom } from './cyclonedx';
import { buildImageState, readImageState, writeImageState } from '../../../shared/reports/image-state';
import { buildScanReport } from '../../../shared/reports/scan-report';
import { relativeHref, storeScanReports } from './store-reports';

const PROJECT = { appId: 'team', jobId: 'web', desiredTag: 'latest' };

describe('storing scan reports and the image state', () => {
  let dir: string;
  let store: FsObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-reports-'));
    store = new FsObjectStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores scan.json, scan.html and sbom.cdx.json in the build folder, the page linking its neighbours relatively', async () => {
    const report = buildScanReport({
      scanId: 'scan-1',
      image: { ref: 'r/team/web:latest', digest: 'sha256:1' },
      project: PROJECT,
      buildId: 'b1',
      scannedAt: '2026-03-01T10:00:00.000Z',
      durationMs: 5,
      runs: RUNS,
      links: { buildLog: 'reports/team/web/latest/b1/build.log', lint: 'reports/team/web/latest/b1/lint.json' },
    });
    const sbom = buildSbom({
      image: report.image,
      packages: RUNS.flatMap((run) => run.result.packages),
      timestamp: report.scannedAt,
      scanId: 'scan-1',
      toolVersion: '1',
    });
    const keys = await storeScanReports(store, PROJECT, 'b1', report, sbom);
    expect(keys).toEqual({
      json: 'reports/team/web/latest/b1/scan.json',
      html: 'reports/team/web/latest/b1/scan.html',
      sbom: 'reports/team/web/latest/b1/sbom.cdx.json',
    });
    const json = JSON.parse((await store.get(keys.json))!.body.toString());
    expect(json.links).toEqual({ buildLog: 'reports/team/web/latest/b1/build.log', lint: 'reports/team/web/latest/b1/lint.json', ...keys });
    expect(JSON.parse((await store.get(keys.sbom))!.body.toString()).specVersion).toBe('1.5');
    const html = (await store.get(keys.html))!.body.toString();
    expect(html).toContain('<a href="build.log">Build log</a>');
    expect(html).toContain('<a href="lint.json">Lint report</a>');
    expect(html).toContain('<a href="sbom.cdx.json">SBOM (CycloneDX)</a>');
  });

  it.each([
    ['reports/a/b/t/scan-1/scan.html', 'reports/a/b/t/b7/build.log', '../b7/build.log'],
    ['reports/a/b/t/b7/scan.html', 'reports/a/b/t/b7/lint.json', 'lint.json'],
    ['reports/a/b/t/b7/scan.html', 'https://ci.example.org/log', 'https://ci.example.org/log'],
  ])('relativeHref(%s, %s) = %s', (from, to, expected) => {
    expect(relativeHref(from, to)).toBe(expected);
  });

  it('keeps packages (all ecosystems) and rpm repos in the image state, and never lets an older scan replace a newer one', async () => {
    const runs = [
      ...RUNS,
      {
        ...RUNS[3]!,
        scanner: { id: 'rpm-updates', version: '1', description: 'rpm.' },
        result: { status: 'ok' as const, findings: [], packages: [], extra: { repos: [{ id: 'baseos', baseurl: 'http://127.0.0.1:1/baseos' }] } },
      },
    ];
    const report = (at: string, digest: string) =>
      buildScanReport({ scanId: `scan-${at}`, image: { ref: 'r/team/web:latest', digest }, project: PROJECT, scannedAt: at, durationMs: 1, runs });
    const reports = { json: 'j', html: 'h', sbom: 's' };
    const packages = runs.flatMap((run) => run.result.packages);
    expect(await writeImageState(store, buildImageState(PROJECT, report('2026-03-02T00:00:00.000Z', 'sha256:new'), packages, reports))).toBe(true);
    expect(await writeImageState(store, buildImageState(PROJECT, report('2026-03-01T00:00:00.000Z', 'sha256:old'), packages, reports))).toBe(false);
    const state = await readImageState(store, PROJECT);
    expect(state).toMatchObject({
      format: 'ccp.image-state/v1',
      project: PROJECT,
      image: { digest: 'sha256:new' },
      lastScan: { scanId: 'scan-2026-03-02T00:00:00.000Z', verdict: 'high', reports },
      repos: [{ id: 'baseos', baseurl: 'http://127.0.0.1:1/baseos' }],
    });
    expect(state!.packages.map((item) => item.ecosystem).sort()).toEqual(['npm', 'pypi', 'pypi', 'pypi']);
  });
});

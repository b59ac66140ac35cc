import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../shared/log/logger';
import { pypiPurl } from '../../../shared/reports/purl';
import type { ImageState } from '../../../shared/reports/image-state';
import { writeImageState } from '../../../shared/reports/image-state';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { osvZip, startOsvMirror, type OsvMirror } from '../../../test/scan-support/osv-mirror';
import { downRegistryUrl, startPackageRegistries, type LocalPackageRegistries } from '../../../test/scan-support/registries';
import { refreshAdvisories, type RefreshAdvisoriesOptions } from './refresh-advisories';

/** A PyPI advisory in the export's own form: `name` affected from 0 to `fixed`. */
const record = (id: string, name: string, fixed: string): Record<string, unknown> => ({
  id,
  modified: '2026-12-02T00:00:00Z',
  aliases: [],
  summary: `${name}: a flaw`,
  affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});

/** An image with Python packages only, as the scan writes its state. */
function pythonImage(jobId: string, packages: Record<string, string>): ImageState {
  return {
    format: 'ccp.image-state/v1',
    project: { appId: 'tests', jobId, desiredTag: 'latest' },
    image: { ref: `127.0.0.1:5000/tests/${jobId}:latest`, digest: 'sha256:feed' },
    lastScan: {
      scanId: `scan-${jobId}`,
      at: '2026-12-01T00:00:00.000Z',
      verdict: 'clean',
      counts: { high: 0, medium: 0, low: 0, info: 0 },
      reports: { json: 'j', html: 'h', sbom: 's' },
    },
    packages: Object.entries(packages).map(([name, version]) => ({
      ecosystem: 'pypi' as const,
      name,
      version,
      qualifiers: { location: `usr/lib/python3.9/site-packages/${name}-${version}.dist-info` },
      purl: pypiPurl(name, version),
    })),
    repos: [],
  };
}

describe('refreshAdvisories with language registries (an OSV mirror and a PyPI on 127.0.0.1)', () => {
  let dir: string;
  let mirror: OsvMirror;
  let registries: LocalPackageRegistries;
  let warnings: string[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-refresh-advisories-'));
    mirror = await startOsvMirror();
    registries = await startPackageRegistries({
      pypi: { requests: { versions: ['2.25.0', '2.31.0'] }, urllib3: { versions: ['1.26.5', '1.26.18'] } },
    });
    warnings = [];
  });

  afterEach(async () => {
    await registries.stop();
    await mirror.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A store with the images written and the database recorded by a first refresh; then `advisories` published. */
  async function world(images: ImageState[], advisories: Record<string, unknown>[], overrides: Partial<RefreshAdvisoriesOptions> = {}) {
    const store = new FsObjectStore(path.join(dir, 'store'));
    for (const image of images) await writeImageState(store, image);
    const log = createLogger({ write: (line) => warnings.push(line) });
    const options = (tick: string): RefreshAdvisoriesOptions => ({
      store,
      http: { rewriteUrl: (url) => url, timeoutMs: 5000 },
      log,
      tick,
      osv: { urls: [mirror.url], ecosystems: ['PyPI'] },
      registries: registries.urls,
      ...overrides,
    });
    mirror.publish('PyPI', await osvZip([record('GHSA-0', 'requests', '2.0.0')]));
    expect((await refreshAdvisories(options('tick-1'))).status).toEqual('recorded');
    mirror.publish('PyPI', await osvZip([record('GHSA-0', 'requests', '2.0.0'), ...advisories]));
    return () => refreshAdvisories(options('tick-2'));
  }

  it('asks the registry once per package, however many images install it', async () => {
    const refresh = await world(
      [pythonImage('a', { requests: '2.25.0' }), pythonImage('b', { requests: '2.25.0' }), pythonImage('c', { Requests: '2.25.0' })],
      [record('GHSA-1', 'requests', '2.31.0')],
    );
    const outcome = await refresh();
    expect(registries.pypi.requests).toEqual(['/pypi/requests/json']);
    expect(outcome.registryQueries).toEqual({ asked: 1, skipped: 0 });
    expect(outcome.event?.data.images.map((image) => [image.image, image.packages])).toEqual(
      ['a', 'b', 'c'].map((job) => [`tests/${job}:latest`, [{ name: job === 'c' ? 'Requests' : 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' }]]),
    );
  });

  it('asks at most the bound, in key order, and counts the rest as skipped', async () => {
    const refresh = await world(
      [pythonImage('a', { requests: '2.25.0', urllib3: '1.26.0' })],
      [record('GHSA-1', 'requests', '2.31.0'), record('GHSA-2', 'urllib3', '1.26.5')],
      { maxRegistryQueries: 1 },
    );
    const outcome = await refresh();
    expect(registries.pypi.requests).toEqual(['/pypi/requests/json']);
    expect(outcome.registryQueries).toEqual({ asked: 1, skipped: 1 });
    expect(outcome.event?.data.images).toEqual([
      { image: 'tests/a:latest', advisories: ['GHSA-1'], packages: [{ name: 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' }] },
    ]);
    expect(warnings.some((line) => line.includes('registry questions past the bound left out'))).toBe(true);
  });

  it('stays quiet, and says why, when the registry does not answer', async () => {
    const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.31.0')], {
      registries: { ...registries.urls, pypi: await downRegistryUrl() },
    });
    const outcome = await refresh();
    expect(outcome.status).toEqual('quiet');
    expect(outcome.event).toBeUndefined();
    expect(warnings.some((line) => line.includes('registry unreachable'))).toBe(true);
  });
});

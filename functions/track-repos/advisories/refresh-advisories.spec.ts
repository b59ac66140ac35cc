import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../shared/log/logger';
import { pypiPurl } from '../../../shared/reports/purl';
import type { ImageState } from '../../../shared/reports/image-state';
import { writeImageState } from '../../../shared/reports/image-state';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { imageStateKey, osvAdvisorySnapshotKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import type { RegistryCatalog } from '../../../test/scan-support/registries';
import { osvZip, startOsvMirror, type OsvMirror } from '../../../test/scan-support/osv-mirror';
import { downRegistryUrl, startPackageRegistries, type LocalPackageRegistries } from '../../../test/scan-support/registries';
import { refreshAdvisories, type AdvisorySnapshot, type RefreshAdvisoriesOptions } from './refresh-advisories';

/** A PyPI advisory in the export's own form: `name` affected from 0 to `fixed`. */
const record = (id: string, name: string, fixed: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  modified: '2026-12-02T00:00:00Z',
  aliases: [],
  summary: `${name}: a flaw`,
  affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  ...extra,
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
  let store: ObjectStore;
  /** What the PyPI serves; a test publishes a release by changing it. */
  let catalog: RegistryCatalog & { pypi: NonNullable<RegistryCatalog['pypi']> };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-refresh-advisories-'));
    mirror = await startOsvMirror();
    catalog = { pypi: { requests: { versions: ['2.25.0', '2.31.0'] }, urllib3: { versions: ['1.26.5', '1.26.18'] } } };
    registries = await startPackageRegistries(catalog);
    warnings = [];
  });

  afterEach(async () => {
    await registries.stop();
    await mirror.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A store with the images written and the database recorded by a first refresh; then `advisories` published. */
  async function world(images: ImageState[], advisories: Record<string, unknown>[], overrides: Partial<RefreshAdvisoriesOptions> = {}) {
    store = new FsObjectStore(path.join(dir, 'store'));
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
    return (tick = 'tick-2', more: Partial<RefreshAdvisoriesOptions> = {}) => refreshAdvisories({ ...options(tick), ...more });
  }

  const snapshot = async (): Promise<AdvisorySnapshot> => JSON.parse((await store.get(osvAdvisorySnapshotKey()))!.body.toString('utf8')) as AdvisorySnapshot;
  const pendingOf = async (): Promise<string[]> => ((await snapshot()).pending ?? []).map((fix) => `${fix.advisory.id} ${fix.image} ${fix.name}`);

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

  describe('a fix not on the registry yet', () => {
    it('stays quiet and pends it, then rebuilds the image once the registry publishes the fix, with the exports unchanged', async () => {
      const refresh = await world(
        [pythonImage('a', { requests: '2.25.0' }), pythonImage('b', { requests: '2.25.0' }), pythonImage('c', { requests: '2.32.0' })],
        [record('GHSA-1', 'requests', '2.32.0')],
      );
      const quiet = await refresh('tick-2');
      expect([quiet.status, quiet.event, quiet.pending]).toEqual(['quiet', undefined, { size: 2, rechecked: 0, shipped: 0, added: 2 }]);
      expect(await pendingOf()).toEqual(['GHSA-1 tests/a:latest requests', 'GHSA-1 tests/b:latest requests']);
      // Still not there: asked again (once for both images), still pending, the snapshot as it was.
      registries.pypi.requests.length = 0;
      const before = (await store.get(osvAdvisorySnapshotKey()))!.etag;
      expect((await refresh('tick-3')).status).toEqual('unchanged');
      expect(registries.pypi.requests).toEqual(['/pypi/requests/json']);
      expect((await store.get(osvAdvisorySnapshotKey()))!.etag).toEqual(before);

      catalog.pypi.requests!.versions.push('2.32.0');
      registries.pypi.requests.length = 0;
      const shipped = await refresh('tick-4');
      expect(mirror.requests.at(-1)?.status).toEqual(304);
      expect(registries.pypi.requests).toEqual(['/pypi/requests/json']);
      expect(shipped.status).toEqual('changed');
      expect(shipped.event?.data).toEqual({
        advisories: [{ id: 'GHSA-1', modified: '2026-12-02T00:00:00Z', aliases: [], summary: 'requests: a flaw' }],
        images: ['a', 'b'].map((job) => ({
          image: `tests/${job}:latest`,
          advisories: ['GHSA-1'],
          packages: [{ name: 'requests', from: '2.25.0', to: '2.32.0', repo: 'PyPI' }],
        })),
      });
      expect(await pendingOf()).toEqual([]);
      // The same tick again re-emits the same event; a later one finds nothing and asks nothing.
      expect((await refresh('tick-4')).event).toEqual(shipped.event);
      registries.pypi.requests.length = 0;
      const later = await refresh('tick-5');
      expect([later.status, later.event]).toEqual(['unchanged', undefined]);
      expect(registries.pypi.requests).toEqual([]);
    });

    it('makes a fix that ships after its advisory rebuilt another image another event, of the same advisory', async () => {
      const both = record('GHSA-1', 'requests', '2.31.0');
      const urllib3 = record('GHSA-x', 'urllib3', '1.26.99').affected as unknown[];
      const refresh = await world(
        [pythonImage('a', { requests: '2.25.0' }), pythonImage('b', { urllib3: '1.26.0' })],
        [{ ...both, affected: [...(both.affected as unknown[]), ...urllib3] }],
      );
      const first = await refresh('tick-2');
      expect(first.event?.data.images.map((image) => image.image)).toEqual(['tests/a:latest']);
      expect(await pendingOf()).toEqual(['GHSA-1 tests/b:latest urllib3']);
      catalog.pypi.urllib3!.versions.push('1.26.99');
      const shipped = await refresh('tick-3');
      expect(shipped.event?.data).toEqual({
        advisories: first.event?.data.advisories,
        images: [{ image: 'tests/b:latest', advisories: ['GHSA-1'], packages: [{ name: 'urllib3', from: '1.26.0', to: '1.26.99', repo: 'PyPI' }] }],
      });
      expect(shipped.event?.id).not.toEqual(first.event?.id);
    });

    it('drops it when the advisory is withdrawn, and rebuilds nothing when the fix ships after', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')]);
      await refresh('tick-2');
      expect(await pendingOf()).toEqual(['GHSA-1 tests/a:latest requests']);
      mirror.publish(
        'PyPI',
        await osvZip([
          record('GHSA-0', 'requests', '2.0.0'),
          record('GHSA-1', 'requests', '2.32.0', { modified: '2026-12-03T00:00:00Z', withdrawn: '2026-12-03T00:00:00Z' }),
        ]),
      );
      const withdrawn = await refresh('tick-3');
      expect([withdrawn.status, withdrawn.event, await pendingOf()]).toEqual(['unchanged', undefined, []]);
      expect(warnings.some((line) => line.includes('pending fixes dropped: advisory withdrawn or removed'))).toBe(true);
      catalog.pypi.requests!.versions.push('2.32.0');
      registries.pypi.requests.length = 0;
      expect((await refresh('tick-4')).event).toBeUndefined();
      expect(registries.pypi.requests).toEqual([]);
    });

    it('matches a changed advisory anew: still unreachable, it stays pending from its first time; its fix now offered, it rebuilds', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')]);
      await refresh('tick-2', { now: () => new Date('2026-12-02T00:00:00Z') });
      mirror.publish(
        'PyPI',
        await osvZip([record('GHSA-0', 'requests', '2.0.0'), record('GHSA-1', 'requests', '2.33.0', { modified: '2026-12-03T00:00:00Z' })]),
      );
      const widened = await refresh('tick-3', { now: () => new Date('2026-12-03T00:00:00Z') });
      expect([widened.status, widened.event]).toEqual(['quiet', undefined]);
      expect(((await snapshot()).pending ?? []).map((fix) => [fix.advisory.modified, fix.since])).toEqual([
        ['2026-12-03T00:00:00Z', '2026-12-02T00:00:00.000Z'],
      ]);
      mirror.publish(
        'PyPI',
        await osvZip([record('GHSA-0', 'requests', '2.0.0'), record('GHSA-1', 'requests', '2.31.0', { modified: '2026-12-04T00:00:00Z' })]),
      );
      const fixed = await refresh('tick-4');
      expect(fixed.event?.data.images).toEqual([
        { image: 'tests/a:latest', advisories: ['GHSA-1'], packages: [{ name: 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' }] },
      ]);
      expect(await pendingOf()).toEqual([]);
    });

    it('emits nothing when another handler writes the snapshot first, and keeps the fix pending for the next tick', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')]);
      await refresh('tick-2');
      catalog.pypi.requests!.versions.push('2.32.0');
      // Another delivery stores its snapshot (another body, so another ETag) between this one's read and its conditional put.
      const racing: ObjectStore = Object.create(store) as ObjectStore;
      racing.put = async (key, body, putOptions) => {
        if (key === osvAdvisorySnapshotKey()) await store.put(key, `${(await store.get(key))!.body.toString('utf8')} `, { contentType: 'application/json' });
        return store.put(key, body, putOptions);
      };
      const lost = await refresh('tick-3', { store: racing });
      expect([lost.status, lost.event]).toEqual(['conflict', undefined]);
      expect(await pendingOf()).toEqual(['GHSA-1 tests/a:latest requests']);
      expect((await refresh('tick-4')).event?.data.images.map((image) => image.image)).toEqual(['tests/a:latest']);
    });

    it.each<[string, (store: ObjectStore) => Promise<void>, string]>([
      [
        'the image is gone from the index',
        (target) => target.delete(imageStateKey({ appId: 'tests', jobId: 'a', desiredTag: 'latest' })),
        'image gone from the index',
      ],
      [
        'a rescan finds the package at a version the advisory does not affect',
        (target) => writeImageState(target, pythonImage('a', { requests: '2.32.1' })).then(() => undefined),
        'package no longer installed at an affected version',
      ],
      [
        'a rescan finds the package gone',
        (target) => writeImageState(target, pythonImage('a', {})).then(() => undefined),
        'package no longer installed at an affected version',
      ],
    ])('drops it when %s, and asks the registry no more', async (_case, change, logged) => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')]);
      await refresh('tick-2');
      await change(store);
      registries.pypi.requests.length = 0;
      const outcome = await refresh('tick-3');
      expect([outcome.event, await pendingOf(), registries.pypi.requests]).toEqual([undefined, [], []]);
      expect(warnings.some((line) => line.includes(`pending fixes dropped: ${logged}`))).toBe(true);
    });

    it('keeps asking when the rebuilt image still has an affected version', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')]);
      await refresh('tick-2');
      await writeImageState(store, pythonImage('a', { requests: '2.31.0' }));
      catalog.pypi.requests!.versions.push('2.32.0');
      expect((await refresh('tick-3')).event?.data.images).toEqual([
        { image: 'tests/a:latest', advisories: ['GHSA-1'], packages: [{ name: 'requests', from: '2.31.0', to: '2.32.0', repo: 'PyPI' }] },
      ]);
    });

    it('ages it out after pendingMaxAgeHours', async () => {
      const start = new Date('2026-12-02T00:00:00Z');
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')], {
        osv: { urls: [mirror.url], ecosystems: ['PyPI'], pendingMaxAgeHours: 2 },
      });
      await refresh('tick-2', { now: () => start });
      registries.pypi.requests.length = 0;
      await refresh('tick-3', { now: () => new Date(start.getTime() + 3_600_000) });
      expect([await pendingOf(), registries.pypi.requests]).toEqual([['GHSA-1 tests/a:latest requests'], ['/pypi/requests/json']]);
      catalog.pypi.requests!.versions.push('2.32.0');
      registries.pypi.requests.length = 0;
      const late = await refresh('tick-4', { now: () => new Date(start.getTime() + 2 * 3_600_000) });
      expect([late.event, await pendingOf(), registries.pypi.requests]).toEqual([undefined, [], []]);
      expect(warnings.some((line) => line.includes('pending fixes aged out'))).toBe(true);
    });

    it('keeps at most maxPendingFixes, dropping the oldest and saying so', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0' })], [record('GHSA-1', 'requests', '2.32.0')], { maxPendingFixes: 1 });
      await refresh('tick-2', { now: () => new Date('2026-12-02T00:00:00Z') });
      await writeImageState(store, pythonImage('b', { urllib3: '1.26.0' }));
      mirror.publish(
        'PyPI',
        await osvZip([record('GHSA-0', 'requests', '2.0.0'), record('GHSA-1', 'requests', '2.32.0'), record('GHSA-2', 'urllib3', '1.26.99')]),
      );
      await refresh('tick-3', { now: () => new Date('2026-12-02T01:00:00Z') });
      expect(await pendingOf()).toEqual(['GHSA-2 tests/b:latest urllib3']);
      expect(warnings.some((line) => line.includes('pending fixes past the bound dropped, oldest first') && line.includes('GHSA-1 tests/a:latest'))).toBe(true);
    });

    it('asks within the per-tick bound, the diff and the pending fixes together', async () => {
      const refresh = await world([pythonImage('a', { requests: '2.25.0', urllib3: '1.26.0' })], [record('GHSA-1', 'requests', '2.32.0')], {
        maxRegistryQueries: 1,
      });
      await refresh('tick-2');
      mirror.publish(
        'PyPI',
        await osvZip([record('GHSA-0', 'requests', '2.0.0'), record('GHSA-1', 'requests', '2.32.0'), record('GHSA-2', 'urllib3', '1.26.99')]),
      );
      registries.pypi.requests.length = 0;
      const outcome = await refresh('tick-3');
      expect(outcome.registryQueries).toEqual({ asked: 1, skipped: 1 });
      expect(registries.pypi.requests).toEqual(['/pypi/requests/json']);
      // The one left out counts as not reachable: pending, asked on a later tick.
      expect(await pendingOf()).toEqual(['GHSA-1 tests/a:latest requests', 'GHSA-2 tests/a:latest urllib3']);
    });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { gemUpdatesScanner } from '../../functions/scan/scanners/gem-updates/index';
import { npmUpdatesScanner } from '../../functions/scan/scanners/npm-updates/index';
import { pipUpdatesScanner } from '../../functions/scan/scanners/pip-updates/index';
import { rpmInstalledPackage } from '../../functions/scan/scanners/rpm-updates/installed-package';
import type { AdvisorySnapshot } from '../../functions/track-repos/advisories/refresh-advisories';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import type { ImageState } from '../../shared/reports/image-state';
import { writeImageState } from '../../shared/reports/image-state';
import type { InstalledPackage, Scanner } from '../../shared/reports/scanner-types';
import type { RpmPackage } from '../../shared/rpm/rpmdb';
import { osvAdvisorySnapshotKey } from '../../shared/store/keys';
import { startWorld, type DispatchWorld } from '../dispatch/harness';
import { osvZip, startOsvMirror, type OsvMirror } from '../scan-support/osv-mirror';
import { startPackageRegistries, type LocalPackageRegistries, type RegistryCatalog } from '../scan-support/registries';
import { gemspec, makeRootfs, pythonMetadata, scanEnvironment, scanTarget, type TreeFile } from '../scan-support/rootfs';
import { startRpmRepoServer, type RpmRepoServer } from '../scan-support/rpm-repo-server';
import { MIRROR, repoUsage, TestYumRepo } from './repo-fixture';

const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n',
  'leaf/Dockerfile': 'FROM tests/base:latest\nRUN echo leaf\n',
  'other/Dockerfile': 'FROM test/busybox:latest\nRUN echo other\n',
  'py/Dockerfile': 'FROM test/busybox:latest\nRUN echo py\n',
  'js/Dockerfile': 'FROM test/busybox:latest\nRUN echo js\n',
  'rb/Dockerfile': 'FROM test/busybox:latest\nRUN echo rb\n',
};

/** One language package per registry: the image that has it installed, the versions the registry offers. */
interface LanguageCase {
  ecosystem: 'PyPI' | 'npm' | 'RubyGems';
  /** The image with the vulnerable version installed. */
  job: string;
  name: string;
  installed: string;
  /** What `other` has installed: a version no advisory below affects. */
  patched: string;
  /** A fix the registry offers only yanked, deprecated or as a pre-release, or not at all. */
  unreachableFix: string;
  /** A fix the registry offers (the advisories' ranges end there). */
  reachableFix: string;
  /** The version the registry offers the install: the cause's `to`. */
  offered: string;
  /** A release past `unreachableFix` that a test publishes on the registry later (npm: as `latest`). */
  shipped: string;
  /** OSV's range type for the ecosystem (GHSA records use SEMVER for npm). */
  rangeType: 'ECOSYSTEM' | 'SEMVER';
  /** The request path the registry's API answers for the package. */
  path: string;
  /** The update scanner whose `packages` the scan writes into the image state. */
  scanner: Scanner;
  /** The package's files in an image with `version` installed. */
  files(version: string): Record<string, TreeFile>;
}

const LANGUAGES: LanguageCase[] = [
  {
    ecosystem: 'PyPI',
    job: 'py',
    name: 'requests',
    installed: '2.25.0',
    patched: '2.28.0',
    unreachableFix: '2.31.0',
    reachableFix: '2.26.0',
    offered: '2.28.0',
    shipped: '2.31.1',
    rangeType: 'ECOSYSTEM',
    path: '/pypi/requests/json',
    scanner: pipUpdatesScanner,
    files: (version) => ({ [`usr/lib/python3.9/site-packages/requests-${version}.dist-info/METADATA`]: pythonMetadata('requests', version) }),
  },
  {
    ecosystem: 'npm',
    job: 'js',
    name: 'lodash',
    installed: '4.17.20',
    patched: '4.17.21',
    unreachableFix: '4.17.22',
    reachableFix: '4.17.21',
    offered: '4.17.21',
    shipped: '4.17.23',
    rangeType: 'SEMVER',
    path: '/lodash',
    scanner: npmUpdatesScanner,
    files: (version) => ({ 'usr/lib/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version }) }),
  },
  {
    ecosystem: 'RubyGems',
    job: 'rb',
    name: 'rack',
    installed: '2.2.3',
    patched: '2.2.6.4',
    unreachableFix: '3.0.0',
    reachableFix: '2.2.6.4',
    offered: '2.2.6.4',
    shipped: '3.0.1',
    rangeType: 'ECOSYSTEM',
    path: '/api/v1/versions/rack/latest.json',
    scanner: gemUpdatesScanner,
    files: (version) => ({ [`usr/share/gems/specifications/rack-${version}.gemspec`]: gemspec('rack', version) }),
  },
];

/**
 * What the registries offer: requests' 2.31.0 is yanked and 2.32.0rc1 a pre-release (2.28.0 is
 * offered); lodash's 4.17.22 is deprecated and 5.0.0-beta.1 a pre-release (latest 4.17.21);
 * rack's 3.0.0.beta1 is a pre-release (latest 2.2.6.4).
 */
const CATALOG: RegistryCatalog = {
  pypi: { requests: { versions: ['2.25.0', '2.28.0', '2.31.0', '2.32.0rc1'], yanked: ['2.31.0'] } },
  npm: { lodash: { versions: ['4.17.20', '4.17.21', '4.17.22', '5.0.0-beta.1'], latest: '4.17.21', deprecated: ['4.17.22'] } },
  rubygems: { rack: { versions: ['2.2.3', '2.2.6.4', '3.0.0.beta1'] } },
};

/** Publishes `version` of `language`'s package on its registry (npm: as `latest`); returns what takes it back, for the next test. */
function release(language: LanguageCase, version: string): () => void {
  const catalog = { PyPI: CATALOG.pypi!, npm: CATALOG.npm!, RubyGems: CATALOG.rubygems! }[language.ecosystem] as Record<
    string,
    { versions: string[]; latest?: string }
  >;
  const before = structuredClone(catalog[language.name]!);
  catalog[language.name] = { ...before, versions: [...before.versions, version], ...(language.ecosystem === 'npm' ? { latest: version } : {}) };
  return () => {
    catalog[language.name] = before;
  };
}

const ALMA_9 = { ID: 'almalinux', VERSION_ID: '9.4' };
const ECOSYSTEMS = ['AlmaLinux', 'PyPI', 'npm', 'RubyGems'];

/** An OSV record in the export's own form: one AlmaLinux 9 package affected from 0 to `fixed`. */
const record = (id: string, name: string, fixed: string, modified = '2026-12-01T00:00:00Z'): Record<string, unknown> => ({
  id,
  modified,
  aliases: [`CVE-2026-${id.slice(-4)}`],
  summary: `${name}: a flaw`,
  affected: [{ package: { ecosystem: 'AlmaLinux:9', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});

/** What the scan records of `language`'s package at `version`: the update scanner's own `packages`, run on a rootfs that has it. */
async function scannedPackages(language: LanguageCase, version: string, registries: LocalPackageRegistries): Promise<InstalledPackage[]> {
  const { rootfs, remove } = await makeRootfs(language.files(version));
  try {
    const result = await language.scanner.scan(scanTarget(rootfs), scanEnvironment(registries.urls));
    expect(result.packages.map((pkg) => [pkg.name, pkg.version])).toEqual([[language.name, version]]);
    return result.packages;
  } finally {
    await remove();
  }
}

/** An OSV record of a language ecosystem, as GitHub's advisories are exported: `name` affected from 0 to `fixed`. */
const languageRecord = (language: LanguageCase, id: string, fixed: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  modified: '2026-12-02T00:00:00Z',
  aliases: [`CVE-2026-${id.slice(-4)}`],
  summary: `${language.name}: a flaw`,
  affected: [
    { package: { ecosystem: language.ecosystem, name: language.name }, ranges: [{ type: language.rangeType, events: [{ introduced: '0' }, { fixed }] }] },
  ],
  ...extra,
});

/** The image state the scan writes (the real writer, the scan's purls), for an AlmaLinux 9.4 image using the test repository. */
async function writeScannedImage(world: DispatchWorld, jobId: string, rpms: RpmPackage[], languagePackages: InstalledPackage[] = []): Promise<void> {
  const state: ImageState = {
    format: 'ccp.image-state/v1',
    project: { appId: 'tests', jobId, desiredTag: 'latest' },
    image: { ref: `${world.registry}/tests/${jobId}:latest`, digest: 'sha256:feed' },
    lastScan: {
      scanId: `scan-${jobId}`,
      // Now: the state is written again after a rebuild's own scan, which a state from an earlier scan may not replace.
      at: new Date().toISOString(),
      verdict: 'clean',
      counts: { high: 0, medium: 0, low: 0, info: 0 },
      reports: { json: 'j', html: 'h', sbom: 's' },
    },
    packages: [...rpms.map((pkg) => rpmInstalledPackage(pkg, ALMA_9)), ...languagePackages],
    repos: rpms.length > 0 ? [repoUsage('baseos', `${MIRROR}baseos/`)] : [],
  };
  expect(await writeImageState(world.served.runtime.context.store, state)).toBe(true);
}

const installed = (name: string, epoch: number, version: string, release: string): RpmPackage => ({ name, epoch, version, release, arch: 'noarch' });

/**
 * End to end on the embedded runtime (its broker routes by eventing/'s Triggers): an OSV mirror,
 * a createrepo_c repository and a PyPI, npm registry and rubygems API on 127.0.0.1 (reached
 * through the production URLs' rewrites), image states as the scan writes them (language
 * packages as the real update scanners record them), real builds. `tick.osv-refresh` goes to
 * track-repos, its `osv.advisory-changed` to the dispatcher.
 */
describe('rebuild on advisory (embedded runtime, OSV mirror, real yum repository, package registries, real builds)', () => {
  let world: DispatchWorld;
  let mirror: OsvMirror;
  let repoServer: RpmRepoServer;
  let registries: LocalPackageRegistries;
  const published = new Map<string, Record<string, unknown>[]>();
  let repoDir: string | undefined;
  const emitted: CloudEvent<unknown>[] = [];

  const tick = (id: string): Promise<void> => world.publish(makeEvent(EventTypes.tickOsvRefresh, {}, { source: '/ccp/gateway', id }));
  /** The statuses the mirror answered for `ecosystem`'s export; every export is asked for on every tick. */
  const statuses = (ecosystem = 'AlmaLinux'): number[] => {
    expect(new Set(mirror.requests.map((request) => request.path))).toEqual(new Set(ECOSYSTEMS.map((name) => `/${name}/all.zip`)));
    return mirror.requests.filter((request) => request.path === `/${ecosystem}/all.zip`).map((request) => request.status);
  };
  /** The paths each registry was asked for since the last test. */
  const registryRequests = (): string[] => [...registries.pypi.requests, ...registries.npm.requests, ...registries.rubygems.requests];
  const requested = (): string[][] => world.requested.map((request) => [request.project.jobId, request.cause.kind, request.cause.message]);
  const publishTo = async (ecosystem: string, ...records: Record<string, unknown>[]): Promise<void> => {
    const list = published.get(ecosystem) ?? [];
    list.push(...records);
    published.set(ecosystem, list);
    mirror.publish(ecosystem, await osvZip(list));
  };
  const publish = (...records: Record<string, unknown>[]): Promise<void> => publishTo('AlmaLinux', ...records);
  const snapshot = async (): Promise<AdvisorySnapshot> =>
    JSON.parse((await world.served.runtime.context.store.get(osvAdvisorySnapshotKey()))!.body.toString('utf8')) as AdvisorySnapshot;

  /** The states of `other` and the language images as their scans found them (with the packages installed). */
  const writeLanguageImages = async (): Promise<void> => {
    await writeScannedImage(
      world,
      'other',
      [installed('openssl-libs', 1, '3.0.7', '25.el9'), installed('bash', 0, '5.1.8', '6.el9')],
      (await Promise.all(LANGUAGES.map((language) => scannedPackages(language, language.patched, registries)))).flat(),
    );
    for (const language of LANGUAGES) await writeScannedImage(world, language.job, [], await scannedPackages(language, language.installed, registries));
  };

  beforeAll(async () => {
    mirror = await startOsvMirror();
    await publish(record('ALSA-2026:0100', 'zlib', '1.2.11-40.el9', '2026-11-01T00:00:00Z'));
    // Each language export starts with an advisory the images were already known to carry: the first refresh records it.
    for (const language of LANGUAGES) await publishTo(language.ecosystem, languageRecord(language, `GHSA-${language.job}00-0000-0100`, language.reachableFix));
    registries = await startPackageRegistries(CATALOG);
    repoDir = await mkdtemp(path.join(os.tmpdir(), 'ccp-osv-rebuild-'));
    const repo = new TestYumRepo(path.join(repoDir, 'repos', 'baseos'), path.join(repoDir, 'rpmbuild'));
    await repo.add([
      { name: 'openssl-libs', epoch: 1, version: '3.0.7', release: '25.el9' },
      { name: 'bash', version: '5.1.8', release: '6.el9' },
    ]);
    repoServer = await startRpmRepoServer(path.join(repoDir, 'repos'));
    world = await startWorld(
      FILES,
      (entry) => [entry('base'), entry('leaf', { dependsOn: ['tests/base:latest'] }), entry('other'), ...LANGUAGES.map((language) => entry(language.job))],
      {
        CCP_OSV_URLS: mirror.url,
        CCP_OSV_ECOSYSTEMS: ECOSYSTEMS.join(','),
        // The registries' production URLs (the settings' defaults), rewritten as the scanners' are.
        CCP_SCAN_URL_REWRITES: [
          `${MIRROR}=>${repoServer.url}/`,
          `https://pypi.org=>${registries.pypi.url}`,
          `https://registry.npmjs.org=>${registries.npm.url}`,
          `https://rubygems.org=>${registries.rubygems.url}`,
        ].join(','),
        CCP_SCAN_REQUEST_TIMEOUT_MS: '5000',
      },
    );
    world.served.runtime.broker.on('delivered', ({ emitted: events }) =>
      emitted.push(...events.filter((event) => event.type === EventTypes.osvAdvisoryChanged)),
    );
    // base has the vulnerable openssl-libs; other has the fixed one already; leaf is built on base.
    await writeScannedImage(world, 'base', [installed('openssl-libs', 1, '3.0.7', '24.el9'), installed('bash', 0, '5.1.8', '6.el9')]);
    await writeLanguageImages();
    for (const registry of [registries.pypi, registries.npm, registries.rubygems]) registry.requests.length = 0;
    // The first refresh records the database as it is: what was already known rebuilds nothing.
    await tick('osv-refresh/1');
    expect(world.requested).toEqual([]);
    expect((await snapshot()).advisories).toEqual({
      'ALSA-2026:0100': '2026-11-01T00:00:00Z',
      'GHSA-py00-0000-0100': '2026-12-02T00:00:00Z',
      'GHSA-js00-0000-0100': '2026-12-02T00:00:00Z',
      'GHSA-rb00-0000-0100': '2026-12-02T00:00:00Z',
    });
    // Recorded, not matched: the first refresh asks no registry.
    expect(registryRequests()).toEqual([]);
  }, 180_000);

  afterAll(async () => {
    await registries?.stop();
    await repoServer?.close();
    await mirror?.close();
    await world?.close();
    if (repoDir) await rm(repoDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    world.forget();
    emitted.length = 0;
    mirror.requests.length = 0;
    for (const registry of [registries.pypi, registries.npm, registries.rubygems]) registry.requests.length = 0;
  });

  it('rebuilds exactly the affected image and its child when a new advisory has a fix in its repos', async () => {
    await publish(record('ALSA-2026:0001', 'openssl-libs', '1:3.0.7-25.el9'));
    await tick('osv-refresh/2');
    // The broker under chaos delivers a tick twice at times, even at once: both deliveries may find
    // the change before either stored its snapshot, and then both emit it, as the same event (one
    // id, one data), which the dispatcher takes once: at least once, never two different changes.
    expect(statuses()).toEqual(expect.arrayContaining([200]));
    expect(new Set(emitted.map((event) => event.id)).size).toEqual(1);
    expect([...new Map(emitted.map((event) => [event.id, event.data])).values()]).toEqual([
      {
        advisories: [{ id: 'ALSA-2026:0001', modified: '2026-12-01T00:00:00Z', aliases: ['CVE-2026-0001'], summary: 'openssl-libs: a flaw' }],
        images: [
          {
            image: 'tests/base:latest',
            advisories: ['ALSA-2026:0001'],
            packages: [{ name: 'openssl-libs', from: '1:3.0.7-24.el9', to: '1:3.0.7-25.el9', repo: 'baseos' }],
          },
        ],
      },
    ]);
    expect(requested()).toEqual([
      ['base', 'rpm-update', 'ALSA-2026:0001 (CVE-2026-0001): openssl-libs 1:3.0.7-24.el9 → 1:3.0.7-25.el9 in repo baseos'],
      ['leaf', 'parent-rebuilt', expect.stringContaining('tests/base:latest')],
    ]);
    expect(world.started.sort()).toEqual(['tests/base:latest', 'tests/leaf:latest']);
  }, 180_000);

  it('does nothing for the same tick again, nor for a later tick the mirror answers with a 304', async () => {
    await tick('osv-refresh/2');
    await tick('osv-refresh/3');
    expect(new Set(ECOSYSTEMS.flatMap((ecosystem) => statuses(ecosystem)))).toEqual(new Set([304]));
    expect(registryRequests()).toEqual([]);
    expect(world.requested).toEqual([]);
    expect(world.started).toEqual([]);
  }, 180_000);

  it('stays quiet for a new advisory whose fix is not in the repos yet, and records it', async () => {
    await publish(record('ALSA-2026:0002', 'bash', '5.1.8-9.el9'));
    await tick('osv-refresh/4');
    expect(statuses()[0]).toEqual(200);
    expect(emitted).toEqual([]);
    expect(world.requested).toEqual([]);
    expect(
      Object.keys((await snapshot()).advisories)
        .filter((id) => id.startsWith('ALSA-'))
        .sort(),
    ).toEqual(['ALSA-2026:0001', 'ALSA-2026:0002', 'ALSA-2026:0100']);
  }, 180_000);
  describe.each(LANGUAGES)('the $ecosystem package $name', (language) => {
    let ticks = 0;
    const languageTick = (): Promise<void> => tick(`osv-refresh/${language.job}-${++ticks}`);
    const id = (n: number): string => `GHSA-${language.job}00-0000-000${n}`;
    // A rebuild rescans the busybox image the test built, which has no language packages: each test starts from the scanned states.
    beforeEach(async () => {
      await writeLanguageImages();
      // The update scanners that made them asked the registries: only the ticks' questions count.
      for (const registry of [registries.pypi, registries.npm, registries.rubygems]) registry.requests.length = 0;
    });

    it('stays quiet when the registry offers the fix only yanked, deprecated or as a pre-release', async () => {
      await publishTo(language.ecosystem, languageRecord(language, id(1), language.unreachableFix));
      await languageTick();
      expect(statuses(language.ecosystem)[0]).toEqual(200);
      // The installed package is affected, so its registry is asked, once (a redelivered tick may ask again).
      expect(new Set(registryRequests())).toEqual(new Set([language.path]));
      expect(emitted).toEqual([]);
      expect(world.requested).toEqual([]);
      expect((await snapshot()).advisories[id(1)]).toEqual('2026-12-02T00:00:00Z');
    }, 180_000);

    it('rebuilds the images with an affected version once the registry publishes the fix, the advisory unchanged, and only once', async () => {
      const undo = release(language, language.shipped);
      try {
        await languageTick();
        // The advisory did not change: every export answered 304, the registry was asked again (once per package).
        expect(new Set(ECOSYSTEMS.flatMap((ecosystem) => statuses(ecosystem)))).toEqual(new Set([304]));
        expect(new Set(registryRequests())).toEqual(new Set([language.path]));
        expect(new Set(emitted.map((event) => event.id)).size).toEqual(1);
        // `other` installs a version below the fix too: both were pending, both rebuild; nothing else does.
        expect(requested().sort()).toEqual(
          [
            [language.job, 'rpm-update', `${id(1)} (CVE-2026-0001): ${language.name} ${language.installed} → ${language.shipped} (${language.ecosystem})`],
            ['other', 'rpm-update', `${id(1)} (CVE-2026-0001): ${language.name} ${language.patched} → ${language.shipped} (${language.ecosystem})`],
          ].sort(),
        );
        expect(world.started.sort()).toEqual([`tests/${language.job}:latest`, 'tests/other:latest'].sort());
        expect((await snapshot()).pending).toBeUndefined();
        // The same tick redelivered, and a later tick: no second build, no more questions.
        world.forget();
        for (const registry of [registries.pypi, registries.npm, registries.rubygems]) registry.requests.length = 0;
        await tick(`osv-refresh/${language.job}-${ticks}`);
        await languageTick();
        expect(world.requested).toEqual([]);
        expect(world.started).toEqual([]);
        expect(registryRequests()).toEqual([]);
      } finally {
        undo();
      }
    }, 180_000);

    it('stays quiet for a withdrawn advisory whose fix the registry offers', async () => {
      await publishTo(language.ecosystem, languageRecord(language, id(2), language.reachableFix, { withdrawn: '2026-12-03T00:00:00Z' }));
      await languageTick();
      expect(statuses(language.ecosystem)[0]).toEqual(200);
      expect(registryRequests()).toEqual([]);
      expect(emitted).toEqual([]);
      expect(world.requested).toEqual([]);
    }, 180_000);

    it('stays quiet for an advisory that does not affect the installed version', async () => {
      const old = languageRecord(language, id(3), language.reachableFix);
      await publishTo(language.ecosystem, {
        ...old,
        affected: [
          {
            package: { ecosystem: language.ecosystem, name: language.name },
            ranges: [{ type: language.rangeType, events: [{ introduced: '0' }, { fixed: '0.1.0' }] }],
          },
        ],
      });
      await languageTick();
      expect(statuses(language.ecosystem)[0]).toEqual(200);
      expect(registryRequests()).toEqual([]);
      expect(emitted).toEqual([]);
      expect(world.requested).toEqual([]);
    }, 180_000);

    it('rebuilds exactly the image with the package when a new advisory has a fix on the registry', async () => {
      await publishTo(language.ecosystem, languageRecord(language, id(4), language.reachableFix));
      await languageTick();
      expect(new Set(registryRequests())).toEqual(new Set([language.path]));
      expect([...new Map(emitted.map((event) => [event.id, event.data])).values()]).toEqual([
        {
          advisories: [{ id: id(4), modified: '2026-12-02T00:00:00Z', aliases: [`CVE-2026-000${4}`], summary: `${language.name}: a flaw` }],
          images: [
            {
              image: `tests/${language.job}:latest`,
              advisories: [id(4)],
              packages: [{ name: language.name, from: language.installed, to: language.offered, repo: language.ecosystem }],
            },
          ],
        },
      ]);
      expect(requested()).toEqual([
        [language.job, 'rpm-update', `${id(4)} (CVE-2026-0004): ${language.name} ${language.installed} → ${language.offered} (${language.ecosystem})`],
      ]);
      expect(world.started).toEqual([`tests/${language.job}:latest`]);
      // The same tick again builds nothing twice.
      world.forget();
      await tick(`osv-refresh/${language.job}-${ticks}`);
      expect(world.requested).toEqual([]);
      expect(world.started).toEqual([]);
    }, 180_000);

    it('never rebuilds for an advisory withdrawn before its fix ships', async () => {
      await publishTo(language.ecosystem, languageRecord(language, id(5), language.shipped));
      await languageTick();
      expect(emitted).toEqual([]);
      expect(((await snapshot()).pending ?? []).map((fix) => [fix.advisory.id, fix.image]).sort()).toEqual(
        [
          [id(5), `tests/${language.job}:latest`],
          [id(5), 'tests/other:latest'],
        ].sort(),
      );
      const list = published.get(language.ecosystem)!;
      list[list.length - 1] = languageRecord(language, id(5), language.shipped, { modified: '2026-12-04T00:00:00Z', withdrawn: '2026-12-04T00:00:00Z' });
      mirror.publish(language.ecosystem, await osvZip(list));
      await languageTick();
      expect((await snapshot()).pending).toBeUndefined();
      const undo = release(language, language.shipped);
      try {
        for (const registry of [registries.pypi, registries.npm, registries.rubygems]) registry.requests.length = 0;
        await languageTick();
        expect(registryRequests()).toEqual([]);
        expect(emitted).toEqual([]);
        expect(world.requested).toEqual([]);
        expect(world.started).toEqual([]);
      } finally {
        undo();
      }
    }, 180_000);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { rpmInstalledPackage } from '../../functions/scan/scanners/rpm-updates/installed-package';
import type { AdvisorySnapshot } from '../../functions/track-repos/advisories/refresh-advisories';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import type { ImageState } from '../../shared/reports/image-state';
import { writeImageState } from '../../shared/reports/image-state';
import type { RpmPackage } from '../../shared/rpm/rpmdb';
import { osvAdvisorySnapshotKey } from '../../shared/store/keys';
import { startWorld, type DispatchWorld } from '../dispatch/harness';
import { osvZip, startOsvMirror, type OsvMirror } from '../scan-support/osv-mirror';
import { startRpmRepoServer, type RpmRepoServer } from '../scan-support/rpm-repo-server';
import { MIRROR, repoUsage, TestYumRepo } from './repo-fixture';

const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n',
  'leaf/Dockerfile': 'FROM tests/base:latest\nRUN echo leaf\n',
  'other/Dockerfile': 'FROM test/busybox:latest\nRUN echo other\n',
};

const ALMA_9 = { ID: 'almalinux', VERSION_ID: '9.4' };

/** An OSV record in the export's own form: one AlmaLinux 9 package affected from 0 to `fixed`. */
const record = (id: string, name: string, fixed: string, modified = '2026-12-01T00:00:00Z'): Record<string, unknown> => ({
  id,
  modified,
  aliases: [`CVE-2026-${id.slice(-4)}`],
  summary: `${name}: a flaw`,
  affected: [{ package: { ecosystem: 'AlmaLinux:9', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});

/** The image state the scan writes (the real writer, the scan's purls), for an AlmaLinux 9.4 image using the test repository. */
async function writeScannedImage(world: DispatchWorld, jobId: string, rpms: RpmPackage[]): Promise<void> {
  const state: ImageState = {
    format: 'ccp.image-state/v1',
    project: { appId: 'tests', jobId, desiredTag: 'latest' },
    image: { ref: `${world.registry}/tests/${jobId}:latest`, digest: 'sha256:feed' },
    lastScan: {
      scanId: `scan-${jobId}`,
      at: '2026-12-01T00:00:00.000Z',
      verdict: 'clean',
      counts: { high: 0, medium: 0, low: 0, info: 0 },
      reports: { json: 'j', html: 'h', sbom: 's' },
    },
    packages: rpms.map((pkg) => rpmInstalledPackage(pkg, ALMA_9)),
    repos: [repoUsage('baseos', `${MIRROR}baseos/`)],
  };
  expect(await writeImageState(world.served.runtime.context.store, state)).toBe(true);
}

const installed = (name: string, epoch: number, version: string, release: string): RpmPackage => ({ name, epoch, version, release, arch: 'noarch' });

/**
 * End to end on the embedded runtime (its broker routes by eventing/'s Triggers): an OSV mirror
 * and a createrepo_c repository on 127.0.0.1, image states as the scan writes them, real builds.
 * `tick.osv-refresh` goes to track-repos, its `osv.advisory-changed` to the dispatcher.
 */
describe('rebuild on advisory (embedded runtime, OSV mirror, real yum repository, real builds)', () => {
  let world: DispatchWorld;
  let mirror: OsvMirror;
  let repoServer: RpmRepoServer;
  let published: Record<string, unknown>[];
  let repoDir: string | undefined;
  const emitted: CloudEvent<unknown>[] = [];

  const tick = (id: string): Promise<void> => world.publish(makeEvent(EventTypes.tickOsvRefresh, {}, { source: '/ccp/gateway', id }));
  /** The statuses the mirror answered, every request for the AlmaLinux export. */
  const statuses = (): number[] => {
    expect(new Set(mirror.requests.map((request) => request.path))).toEqual(new Set(['/AlmaLinux/all.zip']));
    return mirror.requests.map((request) => request.status);
  };
  const requested = (): string[][] => world.requested.map((request) => [request.project.jobId, request.cause.kind, request.cause.message]);
  const publish = async (...records: Record<string, unknown>[]): Promise<void> => {
    published.push(...records);
    mirror.publish('AlmaLinux', await osvZip(published));
  };
  const snapshot = async (): Promise<AdvisorySnapshot> =>
    JSON.parse((await world.served.runtime.context.store.get(osvAdvisorySnapshotKey()))!.body.toString('utf8')) as AdvisorySnapshot;

  beforeAll(async () => {
    mirror = await startOsvMirror();
    published = [];
    await publish(record('ALSA-2026:0100', 'zlib', '1.2.11-40.el9', '2026-11-01T00:00:00Z'));
    repoDir = await mkdtemp(path.join(os.tmpdir(), 'ccp-osv-rebuild-'));
    const repo = new TestYumRepo(path.join(repoDir, 'repos', 'baseos'), path.join(repoDir, 'rpmbuild'));
    await repo.add([
      { name: 'openssl-libs', epoch: 1, version: '3.0.7', release: '25.el9' },
      { name: 'bash', version: '5.1.8', release: '6.el9' },
    ]);
    repoServer = await startRpmRepoServer(path.join(repoDir, 'repos'));
    world = await startWorld(FILES, (entry) => [entry('base'), entry('leaf', { dependsOn: ['tests/base:latest'] }), entry('other')], {
      CCP_OSV_URLS: mirror.url,
      CCP_OSV_ECOSYSTEMS: 'AlmaLinux',
      CCP_SCAN_URL_REWRITES: `${MIRROR}=>${repoServer.url}/`,
      CCP_SCAN_REQUEST_TIMEOUT_MS: '5000',
    });
    world.served.runtime.broker.on('delivered', ({ emitted: events }) =>
      emitted.push(...events.filter((event) => event.type === EventTypes.osvAdvisoryChanged)),
    );
    // base has the vulnerable openssl-libs; other has the fixed one already; leaf is built on base.
    await writeScannedImage(world, 'base', [installed('openssl-libs', 1, '3.0.7', '24.el9'), installed('bash', 0, '5.1.8', '6.el9')]);
    await writeScannedImage(world, 'other', [installed('openssl-libs', 1, '3.0.7', '25.el9'), installed('bash', 0, '5.1.8', '6.el9')]);
    // The first refresh records the database as it is: what was already known rebuilds nothing.
    await tick('osv-refresh/1');
    expect(world.requested).toEqual([]);
    expect((await snapshot()).advisories).toEqual({ 'ALSA-2026:0100': '2026-11-01T00:00:00Z' });
  }, 180_000);

  afterAll(async () => {
    await repoServer?.close();
    await mirror?.close();
    await world?.close();
    if (repoDir) await rm(repoDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    world.forget();
    emitted.length = 0;
    mirror.requests.length = 0;
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
    expect(new Set(statuses())).toEqual(new Set([304]));
    expect(world.requested).toEqual([]);
    expect(world.started).toEqual([]);
  }, 180_000);

  it('stays quiet for a new advisory whose fix is not in the repos yet, and records it', async () => {
    await publish(record('ALSA-2026:0002', 'bash', '5.1.8-9.el9'));
    await tick('osv-refresh/4');
    expect(statuses()[0]).toEqual(200);
    expect(emitted).toEqual([]);
    expect(world.requested).toEqual([]);
    expect(Object.keys((await snapshot()).advisories).sort()).toEqual(['ALSA-2026:0001', 'ALSA-2026:0002', 'ALSA-2026:0100']);
  }, 180_000);
});

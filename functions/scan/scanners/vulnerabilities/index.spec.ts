import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { osvZip, startOsvMirror, type OsvMirror } from '../../../../test/scan-support/osv-mirror';
import { buildRpms, type TestRpm } from '../../../../test/scan-support/rpm-build';
import { makeRepo, makeRpmRoot } from '../../../../test/scan-support/rpm-fixture';
import { startRpmRepoServer, type RpmRepoServer } from '../../../../test/scan-support/rpm-repo-server';
import { startPackageRegistries, type LocalPackageRegistries } from '../../../../test/scan-support/registries';
import { gemspec, pythonMetadata, scanEnvironment, scanTarget, writeTree } from '../../../../test/scan-support/rootfs';
import { osvAdvisorySource } from '../../../../shared/osv/source';
import { FsObjectStore } from '../../../../shared/store/fs-store';
import type { ScanEnvironment } from '../../../../shared/reports/scanner-types';
import { vulnerabilitiesScanner } from '.';

/** What the AlmaLinux 9 image has installed: one package per case. */
const INSTALLED: TestRpm[] = [
  { name: 'almalinux-release', version: '9.4', provides: ['system-release(releasever) = 9'] },
  { name: 'fixnow', version: '1.0' },
  { name: 'upstream', version: '2.0' },
  { name: 'nofix', version: '3.0' },
  { name: 'epochal', version: '1.0', epoch: 2 },
  { name: 'outside', version: '5.0' },
  { name: 'retracted', version: '1.0' },
];

/** What the image's repository carries: the fix of `fixnow` (and a later build), `upstream` as installed. */
const AVAILABLE: TestRpm[] = [
  { name: 'fixnow', version: '1.2' },
  { name: 'fixnow', version: '1.2', release: '2' },
  { name: 'upstream', version: '2.0' },
];

const CVSS_HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
const CVSS_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const CVSS_MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N';

function record(id: string, ecosystem: string, name: string, events: Record<string, string>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2024-05-01T00:00:00Z',
    published: '2024-05-01T00:00:00Z',
    aliases: [`CVE-2024-${id.replace(/\D/g, '').slice(-4)}`],
    summary: `${name}: a flaw`,
    affected: [{ package: { ecosystem, name }, ranges: [{ type: ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events }] }],
    ...extra,
  };
}

/** The AlmaLinux export: one record per case, as ALSA records are written (no epoch when it is 0). */
const ALMALINUX = [
  record('ALSA-2024:1001', 'AlmaLinux:9', 'fixnow', [{ introduced: '0' }, { fixed: '1.2-1' }], { severity: [{ type: 'CVSS_V3', score: CVSS_HIGH }] }),
  record('ALSA-2024:1002', 'AlmaLinux:9', 'upstream', [{ introduced: '0' }, { fixed: '2.1-1' }], { severity: [{ type: 'CVSS_V3', score: CVSS_CRITICAL }] }),
  record('ALSA-2024:1003', 'AlmaLinux:9', 'nofix', [{ introduced: '0' }], { database_specific: { severity: 'Moderate' } }),
  // 2:1.0-1 is above any epoch-0 version: not affected.
  record('ALSA-2024:1004', 'AlmaLinux:9', 'epochal', [{ introduced: '0' }, { fixed: '1.5-1' }]),
  record('ALSA-2024:1005', 'AlmaLinux:9', 'outside', [{ introduced: '0' }, { fixed: '4.0-1' }]),
  record('ALSA-2024:1006', 'AlmaLinux:9', 'retracted', [{ introduced: '0' }, { fixed: '1.1-1' }], { withdrawn: '2024-05-02T00:00:00Z' }),
  // Another release of the distribution: not this image's.
  record('ALSA-2024:1007', 'AlmaLinux:8', 'fixnow', [{ introduced: '0' }, { fixed: '1.3-1' }]),
];

const PYPI = [
  record('PYSEC-2023-74', 'PyPI', 'Requests', [{ introduced: '2.3.0' }, { fixed: '2.31.0' }], {
    aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'],
    severity: [{ type: 'CVSS_V3', score: CVSS_MEDIUM }],
  }),
  // GitHub's record of the same CVE: merged into PYSEC's.
  record('GHSA-j8r2-6x86-q33q', 'PyPI', 'requests', [{ introduced: '2.3.0' }, { fixed: '2.31.0' }], { aliases: ['CVE-2023-32681', 'PYSEC-2023-74'] }),
  record('PYSEC-2024-1', 'PyPI', 'urllib3', [{ introduced: '2.0.0' }, { fixed: '2.0.7' }]),
];
const NPM = [
  record('GHSA-35jh-r3h4-6jhm', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { severity: [{ type: 'CVSS_V3', score: CVSS_HIGH }] }),
];
const RUBYGEMS = [
  record('GHSA-rack-1', 'RubyGems', 'rack', [{ introduced: '2.0.0' }, { fixed: '2.2.6.4' }], { severity: [{ type: 'CVSS_V3', score: CVSS_HIGH }] }),
  record('GHSA-rack-2', 'RubyGems', 'rack', [{ introduced: '3.0.0' }, { fixed: '3.0.4.2' }]),
];

const SITE = 'usr/lib/python3.11/site-packages';

describe('vulnerabilities', () => {
  let dir: string;
  let mirror: OsvMirror;
  let repoServer: RpmRepoServer;
  let registries: LocalPackageRegistries;
  let rootfs: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-vulnerabilities-'));
    const [installed, available] = await Promise.all([
      buildRpms(path.join(dir, 'build-installed'), INSTALLED),
      buildRpms(path.join(dir, 'build-available'), AVAILABLE),
    ]);
    await makeRepo(path.join(dir, 'repos', 'baseos'), available);
    [mirror, repoServer, registries] = await Promise.all([
      startOsvMirror(),
      startRpmRepoServer(path.join(dir, 'repos')),
      startPackageRegistries({
        pypi: { requests: { versions: ['2.28.1', '2.31.0'] }, urllib3: { versions: ['1.26.18'] } },
        npm: { lodash: { versions: ['4.17.20'] } },
        rubygems: { rack: { versions: ['2.2.3', '2.2.8'] } },
      }),
    ]);
    mirror.publish('AlmaLinux', await osvZip(ALMALINUX));
    mirror.publish('PyPI', await osvZip(PYPI));
    mirror.publish('npm', await osvZip(NPM));
    mirror.publish('RubyGems', await osvZip(RUBYGEMS));
    rootfs = path.join(dir, 'rootfs');
    await makeRpmRoot(
      rootfs,
      installed,
      { 'almalinux.repo': `[baseos]\nname=AlmaLinux $releasever - BaseOS\nbaseurl=${repoServer.url}/baseos/\nenabled=1\n` },
      'ID="almalinux"\nVERSION_ID="9.4"\n',
    );
    await writeTree(rootfs, {
      [`${SITE}/requests-2.28.1.dist-info/METADATA`]: pythonMetadata('requests', '2.28.1'),
      // Below the range's introduced: not affected.
      [`${SITE}/urllib3-1.26.18.dist-info/METADATA`]: pythonMetadata('urllib3', '1.26.18'),
      'opt/app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.20' }),
      'usr/share/gems/specifications/rack-2.2.3.gemspec': gemspec('rack', '2.2.3'),
    });
  });

  afterAll(async () => {
    await Promise.all([mirror?.close(), repoServer?.close(), registries?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  function environment(name: string, ecosystems = ['AlmaLinux', 'PyPI', 'npm', 'RubyGems']): ScanEnvironment {
    const store = new FsObjectStore(path.join(dir, `store-${name}`));
    return scanEnvironment(registries.urls, {
      cacheDir: path.join(dir, `cache-${name}`),
      timeoutMs: 5000,
      advisories: osvAdvisorySource(store, { urls: [mirror.url], ecosystems, timeoutMs: 5000 }),
    });
  }

  it('finds exactly the affected packages, with the fix and whether the image can take it now', async () => {
    const result = await vulnerabilitiesScanner.scan(scanTarget(rootfs), environment('main'));
    expect([result.status, result.notes]).toEqual(['ok', undefined]);
    expect(
      result.findings.map((finding) => [
        finding.details.advisory,
        finding.details.package,
        finding.details.installed,
        finding.details.fixed,
        finding.details.status,
      ]),
    ).toEqual([
      // Fixable now first, then by CVSS score (7.5, 7.5, 6.1), then by id.
      ['ALSA-2024:1001', 'fixnow.noarch', '1.0-1', '1.2-1', 'fixable-now'],
      ['GHSA-rack-1', 'rack', '2.2.3', '2.2.6.4', 'fixable-now'],
      ['PYSEC-2023-74', 'requests', '2.28.1', '2.31.0', 'fixable-now'],
      ['ALSA-2024:1002', 'upstream.noarch', '2.0-1', '2.1-1', 'fix-upstream-only'],
      ['GHSA-35jh-r3h4-6jhm', 'lodash', '4.17.20', '4.17.21', 'fix-upstream-only'],
      ['ALSA-2024:1003', 'nofix.noarch', '3.0-1', null, 'no-fix'],
    ]);
  });

  it('says what the finding is, with the CVE, the CVSS severity and where the fix is', async () => {
    const result = await vulnerabilitiesScanner.scan(scanTarget(rootfs), environment('details'));
    const byAdvisory = new Map(result.findings.map((finding) => [finding.details.advisory, finding]));
    expect(byAdvisory.get('ALSA-2024:1001')).toEqual({
      id: 'ALSA-2024:1001 fixnow.noarch@1.0-1',
      severity: 'high',
      title: 'ALSA-2024:1001 (CVE-2024-1001) in fixnow.noarch 1.0-1: fixed in 1.2-1, available 1.2-2 (baseos)',
      details: {
        advisory: 'ALSA-2024:1001',
        aliases: ['CVE-2024-1001'],
        summary: 'fixnow: a flaw',
        ecosystem: 'AlmaLinux:9',
        package: 'fixnow.noarch',
        installed: '1.0-1',
        purl: 'pkg:rpm/almalinux/fixnow@1.0-1?arch=noarch&distro=almalinux-9.4',
        fixed: '1.2-1',
        status: 'fixable-now',
        available: '1.2-2',
        availableFrom: 'baseos',
        severity: { band: 'high', score: 7.5, vector: CVSS_HIGH },
      },
    });
    expect([byAdvisory.get('ALSA-2024:1002')?.severity, byAdvisory.get('ALSA-2024:1002')?.details.severity, byAdvisory.get('ALSA-2024:1002')?.title]).toEqual([
      'high',
      { band: 'critical', score: 9.8, vector: CVSS_CRITICAL },
      'ALSA-2024:1002 (CVE-2024-1002) in upstream.noarch 2.0-1: fixed in 2.1-1, not yet available',
    ]);
    expect([byAdvisory.get('ALSA-2024:1003')?.severity, byAdvisory.get('ALSA-2024:1003')?.details.severity]).toEqual(['medium', { band: 'medium' }]);
    expect(byAdvisory.get('PYSEC-2023-74')?.details).toEqual(
      expect.objectContaining({
        aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'],
        related: ['GHSA-j8r2-6x86-q33q'],
        locations: [`${SITE}/requests-2.28.1.dist-info`],
        available: '2.31.0',
        availableFrom: 'PyPI',
      }),
    );
    expect(result.extra).toEqual({
      database: { advisories: 12, ecosystems: ['AlmaLinux', 'PyPI', 'npm', 'RubyGems'], withdrawn: 1, refresh: expect.any(Array) },
    });
  });

  it('fetches the database once and then asks with its ETag, getting a 304', async () => {
    mirror.requests.length = 0;
    const env = environment('conditional', ['npm']);
    const store = new FsObjectStore(path.join(dir, 'store-conditional'));
    await vulnerabilitiesScanner.scan(scanTarget(rootfs), env);
    // Checked an hour ago: the next scan asks again.
    const sourceKey = 'state/osv/npm/source.json';
    const source = JSON.parse((await store.get(sourceKey))!.body.toString('utf8')) as { checkedAt: string };
    await store.put(sourceKey, JSON.stringify({ ...source, checkedAt: new Date(Date.now() - 2 * 3600_000).toISOString() }));
    const second = await vulnerabilitiesScanner.scan(scanTarget(rootfs), env);
    expect(mirror.requests.map((request) => [request.path, request.status, request.bytes > 0])).toEqual([
      ['/npm/all.zip', 200, true],
      ['/npm/all.zip', 304, false],
    ]);
    expect(second.findings.map((finding) => finding.details.advisory)).toEqual(['GHSA-35jh-r3h4-6jhm']);
  });

  it('notes the packages of ecosystems the database lacks', async () => {
    const result = await vulnerabilitiesScanner.scan(scanTarget(rootfs), environment('partial', ['npm']));
    expect(result.notes).toEqual([
      'no AlmaLinux advisories in the database (CCP_OSV_ECOSYSTEMS): its packages were not matched',
      'no PyPI advisories in the database (CCP_OSV_ECOSYSTEMS): its packages were not matched',
      'no RubyGems advisories in the database (CCP_OSV_ECOSYSTEMS): its packages were not matched',
    ]);
  });

  it('fails when no export could be fetched, naming the mirror answers', async () => {
    const result = await vulnerabilitiesScanner.scan(scanTarget(rootfs), environment('none', ['Rocky Linux']));
    expect([result.status, result.reason]).toEqual(['failed', `no OSV export is stored: OSV Rocky Linux: ${mirror.url}/Rocky%20Linux/all.zip: HTTP 404`]);
  });

  it('is skipped without a configured mirror', async () => {
    expect(await vulnerabilitiesScanner.scan(scanTarget(rootfs), scanEnvironment(registries.urls))).toEqual({
      status: 'skipped',
      reason: 'no OSV mirror configured (CCP_OSV_URLS)',
      findings: [],
      packages: [],
    });
  });
});

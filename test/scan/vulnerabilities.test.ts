import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scanFunction } from '../../functions/scan';
import { loadConfig } from '../../shared/config/config';
import { makeEvent } from '../../shared/events/make';
import { EventTypes, type ScanCompletedData } from '../../shared/events/types';
import { createFunctionContext } from '../../shared/function/context';
import type { FunctionContext } from '../../shared/function/types';
import { silentLogger } from '../../shared/log/logger';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import type { ScanReport } from '../../shared/reports/types';
import { FsObjectStore } from '../../shared/store/fs-store';
import { makeImage } from '../support/images/make-image';
import { buildRpm } from '../support/images/rpm-build';
import { rpmRootfs } from '../support/images/rpm-rootfs';
import type { PushedImage, RpmSpec } from '../support/images/types';
import { osvZip, startOsvMirror, type OsvMirror } from '../scan-support/osv-mirror';
import { createRepo } from '../scan-support/rpm-build';
import { startRpmRepoServer, type RpmRepoServer } from '../scan-support/rpm-repo-server';
import { startPackageRegistries, type LocalPackageRegistries } from '../scan-support/registries';
import { pythonMetadata } from '../scan-support/rootfs';
import { createScanCommand } from '../../cli/commands/scan';
import { registryImageSource } from '../../functions/scan/registry-source';
import type { CycloneDxBom } from '../../functions/scan/reports/cyclonedx';

const PROJECT = { appId: 'team', jobId: 'alma', desiredTag: 'latest' };
const rpm = (name: string, version: string, epoch?: number): RpmSpec => ({
  name,
  version,
  release: '1',
  arch: 'noarch',
  ...(epoch !== undefined ? { epoch } : {}),
  files: [{ path: `/usr/share/${name}/v`, content: `${version}\n` }],
});

const advisory = (
  id: string,
  ecosystem: string,
  name: string,
  events: Record<string, string>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id,
  modified: '2024-05-01T00:00:00Z',
  aliases: [`CVE-2024-${id.slice(-4)}`],
  summary: `${name}: a flaw`,
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events }] }],
  ...extra,
});

/**
 * End to end: an AlmaLinux 9 image with a real rpmdb and a Python package, pushed to a real
 * registry; its repository (createrepo_c) carries one fix; an OSV mirror made by the test serves
 * the AlmaLinux and PyPI exports. The scan function stores the export, matches and writes the
 * findings into scan.json; a second scan within the hour does not ask the mirror again.
 */
describe('vulnerabilities of a real image', () => {
  let dir: string;
  let registry: LocalRegistry;
  let mirror: OsvMirror;
  let repoServer: RpmRepoServer;
  let packages: LocalPackageRegistries;
  let image: PushedImage;
  let context: FunctionContext;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-scan-vulnerabilities-'));
    [registry, mirror, packages] = await Promise.all([
      startLocalRegistry({ dir: path.join(dir, 'registry') }),
      startOsvMirror(),
      startPackageRegistries({ pypi: { jinja2: { versions: ['3.1.2', '3.1.4'] } } }),
    ]);
    const repoDir = path.join(dir, 'repos', 'baseos');
    await mkdir(repoDir, { recursive: true });
    await Promise.all([rpm('openssl-libs', '3.0.8'), rpm('curl', '7.76.1')].map((spec) => buildRpm(spec, repoDir)));
    await createRepo(repoDir);
    repoServer = await startRpmRepoServer(path.join(dir, 'repos'));
    const rootfs = await rpmRootfs(
      path.join(dir, 'rootfs'),
      [rpm('openssl-libs', '3.0.7'), rpm('curl', '7.76.1'), rpm('tzdata', '2024a', 1), rpm('zlib', '1.2.11')],
      {
        repos: { 'almalinux-baseos.repo': `[baseos]\nname=AlmaLinux 9 - BaseOS\nbaseurl=${repoServer.url}/baseos/\nenabled=1\n` },
        files: [
          { path: '/etc/os-release', content: 'NAME="AlmaLinux"\nID="almalinux"\nVERSION_ID="9.4"\n' },
          { path: '/usr/lib/python3.9/site-packages/Jinja2-3.1.2.dist-info/METADATA', content: pythonMetadata('Jinja2', '3.1.2') },
        ],
      },
    );
    image = await makeImage({ rootfs, ref: 'team/alma:latest', registry: registry.address });
    mirror.publish(
      'AlmaLinux',
      await osvZip([
        advisory('ALSA-2024:0001', 'AlmaLinux:9', 'openssl-libs', [{ introduced: '0' }, { fixed: '3.0.8-1' }]),
        advisory('ALSA-2024:0002', 'AlmaLinux:9', 'curl', [{ introduced: '0' }, { fixed: '7.76.1-2' }]),
        // tzdata is 1:2024a-1: an epoch-0 range does not reach it.
        advisory('ALSA-2024:0003', 'AlmaLinux:9', 'tzdata', [{ introduced: '0' }, { fixed: '2024b-1' }]),
        advisory('ALSA-2024:0004', 'AlmaLinux:9', 'zlib', [{ introduced: '0' }, { fixed: '1.2.12-1' }], { withdrawn: '2024-05-02T00:00:00Z' }),
      ]),
    );
    mirror.publish('PyPI', await osvZip([advisory('GHSA-h5c8-rqwp-cp95', 'PyPI', 'jinja2', [{ introduced: '0' }, { fixed: '3.1.3' }])]));
    env = { CCP_OSV_URLS: mirror.url, CCP_OSV_ECOSYSTEMS: 'AlmaLinux,PyPI', CCP_PYPI_URL: packages.urls.pypi };
    const config = loadConfig({ dataDir: path.join(dir, 'data'), registry: registry.address }, env);
    context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'data', 'store')) });
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), mirror?.close(), repoServer?.close(), packages?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function scan(id: string): Promise<ScanReport> {
    const request = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: image.ref, digest: image.digest }, reason: 'manual' },
      { source: '/test', id },
    );
    const [completed] = await scanFunction.handle(request, context);
    const data = completed!.data as ScanCompletedData;
    expect(data.scanners.vulnerabilities).toEqual({ status: 'ok', findings: 3 });
    reports = data.reports;
    return JSON.parse((await context.store.get(data.reports.json))!.body.toString()) as ScanReport;
  }
  let reports: ScanCompletedData['reports'];

  it('writes each affected package into scan.json, exactly, with its fix status', async () => {
    const report = await scan('v1');
    expect(report.scanners.vulnerabilities!.findings.map((finding) => [finding.id, finding.severity, finding.details.status, finding.details.fixed])).toEqual([
      ['ALSA-2024:0001 openssl-libs.noarch@3.0.7-1', 'high', 'fixable-now', '3.0.8-1'],
      ['GHSA-h5c8-rqwp-cp95 Jinja2@3.1.2', 'high', 'fixable-now', '3.1.3'],
      ['ALSA-2024:0002 curl.noarch@7.76.1-1', 'high', 'fix-upstream-only', '7.76.1-2'],
    ]);
    expect(report.scanners.vulnerabilities!.findings[0]!.details).toEqual(
      expect.objectContaining({
        aliases: ['CVE-2024-0001'],
        available: '3.0.8-1',
        availableFrom: 'baseos',
        severity: { band: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' },
      }),
    );
    expect(await context.store.head('state/osv/almalinux/all.zip')).not.toBeNull();
  });

  it('scans again from the stored database without asking the mirror within the hour', async () => {
    const asked = mirror.requests.length;
    await scan('v2');
    expect([asked, mirror.requests.length]).toEqual([2, 2]);
  });

  it('lists the advisories in the SBOM, each affecting its component, and in the HTML table', async () => {
    const sbom = JSON.parse((await context.store.get(reports.sbom))!.body.toString()) as CycloneDxBom;
    const refs = new Set(sbom.components.map((component) => component['bom-ref']));
    expect(
      sbom.vulnerabilities!.map((item) => [
        item.id,
        item.ratings[0]!.method,
        item.ratings[0]!.severity,
        item.affects.every((affected) => refs.has(affected.ref)),
      ]),
    ).toEqual([
      ['ALSA-2024:0001', 'CVSSv31', 'high', true],
      ['GHSA-h5c8-rqwp-cp95', 'CVSSv31', 'high', true],
      ['ALSA-2024:0002', 'CVSSv31', 'high', true],
    ]);
    const html = (await context.store.get(reports.html))!.body.toString();
    expect(html).toContain('<a href="https://osv.dev/vulnerability/ALSA-2024%3A0001">ALSA-2024:0001</a>');
  });

  it.each<[string, string[], Record<string, string>, number]>([
    ['no threshold: the high advisories fail, as before', [], {}, 1],
    ['--fail-on critical: high advisories pass', ['--fail-on', 'critical'], {}, 0],
    ['CCP_SCAN_FAIL_ON=critical: high advisories pass', [], { CCP_SCAN_FAIL_ON: 'critical' }, 0],
    ['--fail-on high beats CCP_SCAN_FAIL_ON=critical', ['--fail-on', 'high'], { CCP_SCAN_FAIL_ON: 'critical' }, 1],
  ])('ccp scan exits by threshold: %s', async (_case, flags, extraEnv, expected) => {
    let stderr = '';
    const command = createScanCommand(registryImageSource());
    const code = await command.run(
      [`${image.ref}@${image.digest}`, ...flags],
      { registry: registry.address, dataDir: path.join(dir, 'data') },
      { stdout: () => undefined, stderr: (text) => (stderr += text), env: { ...env, ...extraEnv }, cwd: dir },
    );
    expect([stderr, code]).toEqual(['', expected]);
  });

  it('ccp scan refuses an unknown --fail-on as a usage error', async () => {
    let stderr = '';
    const code = await createScanCommand(registryImageSource()).run(
      [image.ref, '--fail-on', 'severe'],
      { registry: registry.address, dataDir: path.join(dir, 'data') },
      { stdout: () => undefined, stderr: (text) => (stderr += text), env, cwd: dir },
    );
    expect([code, stderr.split('\n')[0]]).toEqual([2, 'ccp scan: --fail-on must be one of critical, high, medium, low, all, not "severe"']);
  });
});

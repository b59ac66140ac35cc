import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scanFunction } from '../../functions/scan';
import { createFunctionContext } from '../../shared/function/context';
import type { FunctionContext } from '../../shared/function/types';
import { createScanCommand } from '../../cli/commands/scan';
import { registryImageSource } from '../../functions/scan/registry-source';
import { IMAGE_ABSENT } from '../../functions/scan/scan-image';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { RegistryError } from '../../shared/registry/errors';
import { busyboxRootfs } from '../support/images/busybox-rootfs';
import { makeImage } from '../support/images/make-image';
import { type PushedImage } from '../support/images/types';
import { silentLogger } from '../../shared/log/logger';
import { freePort, startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import type { ImageState } from '../../shared/reports/image-state';
import type { ScanReport } from '../../shared/reports/types';
import { FsObjectStore } from '../../shared/store/fs-store';
import { gemspec, pythonMetadata } from '../scan-support/rootfs';
import { startPackageRegistries, type LocalPackageRegistries } from '../scan-support/registries';

const PROJECT = { appId: 'team', jobId: 'tools', desiredTag: 'latest' };
const RUN_LABEL = 'docker run -it --rm --privileged -v /:/host --net=host --pid=host -e IMAGE=${IMAGE} --name ${NAME} ${IMAGE}';

/**
 * End to end: a busybox image with pip, npm and gem packages and an atomic-style RUN label,
 * pushed to a real registry on 127.0.0.1; local PyPI, npm and rubygems serve newer versions.
 * The scan function fetches it by digest, runs every scanner and stores the three reports.
 */
describe('scanning a real image', () => {
  let dir: string;
  let registry: LocalRegistry;
  let packages: LocalPackageRegistries;
  let image: PushedImage;
  let context: FunctionContext;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-scan-e2e-'));
    [registry, packages] = await Promise.all([
      startLocalRegistry({ dir: path.join(dir, 'registry') }),
      startPackageRegistries({
        pypi: { requests: { versions: ['2.28.0', '2.31.0', '2.32.0rc1'] }, pyyaml: { versions: ['6.0.1'] } },
        npm: { npm: { versions: ['9.8.1', '10.5.0'] }, '@babel/core': { versions: ['7.24.0'] } },
        rubygems: { rake: { versions: ['13.0.6', '13.1.0'] } },
      }),
    ]);
    const rootfs = await busyboxRootfs(path.join(dir, 'rootfs'), [
      { path: '/usr/lib/python3.11/site-packages/requests-2.28.0.dist-info/METADATA', content: pythonMetadata('requests', '2.28.0') },
      { path: '/usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA', content: pythonMetadata('PyYAML', '6.0.1') },
      { path: '/usr/lib/node_modules/npm/package.json', content: JSON.stringify({ name: 'npm', version: '9.8.1' }) },
      { path: '/usr/lib/node_modules/@babel/core/package.json', content: JSON.stringify({ name: '@babel/core', version: '7.24.0' }) },
      { path: '/usr/share/gems/specifications/rake-13.0.6.gemspec', content: gemspec('rake', '13.0.6') },
    ]);
    image = await makeImage({ rootfs, config: { labels: { RUN: RUN_LABEL, name: 'tools' } }, ref: 'team/tools:latest', registry: registry.address });
    env = { CCP_PYPI_URL: packages.urls.pypi, CCP_NPM_REGISTRY_URL: packages.urls.npm, CCP_RUBYGEMS_URL: packages.urls.rubygems };
    const config = loadConfig({ dataDir: path.join(dir, 'data'), registry: registry.address }, env);
    context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'data', 'store')) });
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), packages?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('scan.requested → scan.completed with the right counts and the three reports in the store', async () => {
    const request = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: image.ref, digest: image.digest }, reason: 'build', buildId: 'b42' },
      { source: '/test', id: 'r1' },
    );
    const emitted = await scanFunction.handle(request, context);
    expect(emitted.map((event) => event.type)).toEqual([EventTypes.scanCompleted]);
    const data = emitted[0]!.data as ScanCompletedData;
    expect(data.image).toEqual({ ref: image.ref, digest: image.digest });
    expect(data.scanners).toEqual({
      'rpm-updates': { status: 'skipped', findings: 0, reason: 'no rpmdb' },
      'rpm-verify': { status: 'skipped', findings: 0, reason: data.scanners['rpm-verify']!.reason },
      'pip-updates': { status: 'ok', findings: 1 },
      'npm-updates': { status: 'ok', findings: 1 },
      'gem-updates': { status: 'ok', findings: 1 },
      vulnerabilities: { status: 'skipped', findings: 0, reason: 'no OSV mirror configured (CCP_OSV_URLS)' },
      capabilities: { status: 'ok', findings: 4 },
    });
    expect(data.reports).toEqual({
      json: 'reports/team/tools/latest/b42/scan.json',
      html: 'reports/team/tools/latest/b42/scan.html',
      sbom: 'reports/team/tools/latest/b42/sbom.cdx.json',
    });
    const report = JSON.parse((await context.store.get(data.reports.json))!.body.toString()) as ScanReport;
    expect(report.verdict).toBe('high');
    expect(report.scanners['capabilities']!.findings.map((finding) => finding.id)).toEqual(['privileged', 'namespace:network', 'namespace:pid', 'mount:/']);
    expect(report.counts).toEqual({ high: 4, medium: 1, low: 2, info: 0 });
    expect(report.scanners['npm-updates']!.findings.map((finding) => finding.title)).toEqual(['npm 9.8.1 → 10.5.0 (new major version)']);
    const sbom = JSON.parse((await context.store.get(data.reports.sbom))!.body.toString()) as {
      metadata: { component: { version: string } };
      components: { purl: string }[];
    };
    expect(sbom.metadata.component.version).toBe(image.digest);
    expect(sbom.components.map((component) => component.purl)).toEqual([
      'pkg:gem/rake@13.0.6',
      'pkg:npm/%40babel/core@7.24.0',
      'pkg:npm/npm@9.8.1',
      'pkg:pypi/pyyaml@6.0.1',
      'pkg:pypi/requests@2.28.0',
    ]);
    expect((await context.store.get(data.reports.html))!.body.toString()).toContain('High-severity findings');
    const state = JSON.parse((await context.store.get('state/images/team/tools/latest.json'))!.body.toString()) as ImageState;
    expect(state).toMatchObject({ image: { digest: image.digest }, repos: [] });
    expect(state.packages).toHaveLength(5);
    // The unpacked root is gone.
    expect(await readdir(path.join(context.config.workDir, 'scan'))).toEqual([]);
  });

  it("aborts an absent image with the seed's words, and refuses an image over the size bound", async () => {
    const absent = makeEvent(
      EventTypes.scanRequested,
      { project: { ...PROJECT, jobId: 'never' }, image: { ref: `${registry.address}/team/never:latest` }, reason: 'weekly' },
      { source: '/test', id: 'w1' },
    );
    const [event] = await scanFunction.handle(absent, context);
    expect(Object.values((event!.data as ScanCompletedData).scanners).map((summary) => [summary.status, summary.reason])).toEqual(
      Array(7).fill(['skipped', IMAGE_ABSENT]),
    );

    const tiny = { ...context, config: { ...context.config, scan: { ...context.config.scan!, maxBytes: 1000 } } };
    const large = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: image.ref, digest: image.digest }, reason: 'manual' },
      { source: '/test', id: 'm1' },
    );
    const [refused] = await scanFunction.handle(large, tiny);
    const reasons = new Set(Object.values((refused!.data as ScanCompletedData).scanners).map((summary) => summary.reason));
    expect([...reasons]).toHaveLength(1);
    expect([...reasons][0]).toMatch(/^The image could not be fetched, scan is aborted: image .* is about .* uncompressed .*, over the 1 kB bound$/);
  });

  it('throws for a registry that does not answer, so the broker retries the scan', async () => {
    const port = await freePort();
    const unreachable = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: `127.0.0.1:${port}/team/tools:latest` }, reason: 'weekly' },
      { source: '/test', id: 'down1' },
    );
    // The pipeline's registry itself is down: a project's image is read from no other (functions/scan/project-image.ts).
    const down = { ...context, config: { ...context.config, registry: `127.0.0.1:${port}` } };
    await expect(scanFunction.handle(unreachable, down)).rejects.toThrow(RegistryError);
  });

  it('ccp scan prints a summary, writes the HTML and exits 1 for high findings', async () => {
    let stdout = '';
    let stderr = '';
    const html = path.join(dir, 'report.html');
    const command = createScanCommand(registryImageSource());
    const code = await command.run(
      ['team/tools:latest', '--html', html],
      { registry: registry.address, dataDir: path.join(dir, 'cli') },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, cwd: dir },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(`${image.ref}@${image.digest}: high (4 high, 1 medium, 2 low, 0 info; 5 packages)`);
    expect(stdout.split('\n').slice(1)).toEqual([
      '  rpm-updates      skipped  no rpmdb',
      '  rpm-verify       skipped  no rpmdb',
      '  pip-updates      ok       1 finding',
      '    low     requests 2.28.0 → 2.31.0',
      '  npm-updates      ok       1 finding',
      '    medium  npm 9.8.1 → 10.5.0 (new major version)',
      '  gem-updates      ok       1 finding',
      '    low     rake 13.0.6 → 13.1.0',
      '  vulnerabilities  skipped  no OSV mirror configured (CCP_OSV_URLS)',
      '  capabilities     ok       4 findings',
      '    high    runs privileged (--privileged)',
      "    high    shares the host's network namespace (--net=host)",
      "    high    shares the host's pid namespace (--pid=host)",
      '    high    mounts host path / at /host (read-write)',
      '',
    ]);
    expect(existsSync(html)).toBe(true);
    expect(await readFile(html, 'utf8')).toContain('<section id="capabilities">');
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { loadConfig, type Config } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { silentLogger } from '../../shared/log/logger';
import type { ImageState } from '../../shared/reports/image-state';
import type { ScanReport } from '../../shared/reports/types';
import type { Scanner } from '../../shared/reports/scanner-types';
import { FsObjectStore } from '../../shared/store/fs-store';
import { folderImageSource } from '../../test/scan-support/folder-source';
import { gemspec, pythonMetadata, writeTree } from '../../test/scan-support/rootfs';
import { startPackageRegistries, type LocalPackageRegistries } from '../../test/scan-support/registries';
import { createFunctionContext } from '../../shared/function/context';
import type { FunctionContext } from '../../shared/function/types';
import { createScanHandler } from './handle';
import { IMAGE_ABSENT } from './scan-image';

const PROJECT = { appId: 'team', jobId: 'web', desiredTag: 'latest' };
const REF = '127.0.0.1:5000/team/web:latest';
const ENTRY = {
  id: 1,
  appId: 'team',
  jobId: 'web',
  gitUrl: 'https://example.org/web.git',
  gitBranch: 'main',
  gitPath: '.',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: ['team@example.com'],
  buildContext: './',
  dependsOn: [],
  source: { file: 'team.yaml', line: 2 },
};

function buildCompleted(overrides: Partial<BuildCompletedData> = {}, id = 'build-event-1'): CloudEvent<unknown> {
  const data: BuildCompletedData = {
    buildId: 'b1',
    project: PROJECT,
    entry: ENTRY,
    status: 'succeeded',
    image: { ref: REF, digest: 'sha256:feed' },
    reports: { log: 'reports/team/web/latest/b1/build.log', lint: 'reports/team/web/latest/b1/lint.json' },
    timings: { startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:01:00.000Z', durationMs: 60000 },
    cause: { kind: 'manual', message: 'test' },
    causeChain: [],
    ...overrides,
  };
  return makeEvent(EventTypes.buildCompleted, data, { source: '/ccp/build', id, time: '2026-03-01T10:01:00.000Z' });
}

async function json<T>(context: FunctionContext, key: string): Promise<T> {
  return JSON.parse((await context.store.get(key))!.body.toString()) as T;
}

describe('scan handle', () => {
  let dir: string;
  let registries: LocalPackageRegistries;
  let config: Config;
  let context: FunctionContext;
  let source: ReturnType<typeof folderImageSource>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-scan-fn-'));
    registries = await startPackageRegistries({
      pypi: { requests: { versions: ['2.28.0', '2.31.0'] } },
      npm: { lodash: { versions: ['4.17.20', '4.17.21'] } },
      rubygems: { rake: { versions: ['13.0.6', '13.1.0'] } },
    });
    const rootfs = path.join(dir, 'image');
    await writeTree(rootfs, {
      'usr/lib/python3.11/site-packages/requests-2.28.0.dist-info/METADATA': pythonMetadata('requests', '2.28.0'),
      'usr/lib/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.20' }),
      'usr/share/gems/specifications/rake-13.0.6.gemspec': gemspec('rake', '13.0.6'),
    });
    source = folderImageSource({ [REF]: { rootfs, digest: 'sha256:feed', config: { Labels: { RUN: 'podman run --privileged -v /:/host ${IMAGE}' } } } });
    config = loadConfig(
      { dataDir: path.join(dir, 'data'), registry: '127.0.0.1:5000' },
      { CCP_PYPI_URL: registries.urls.pypi, CCP_NPM_REGISTRY_URL: registries.urls.npm, CCP_RUBYGEMS_URL: registries.urls.rubygems },
    );
    context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'data', 'store')) });
  });

  afterAll(async () => {
    await registries.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('scans a built image: scan.completed with every scanner, the three reports and the image state', async () => {
    const handle = createScanHandler({ source });
    const emitted = await handle(buildCompleted(), context);
    expect(emitted.map((event) => [event.type, event.source, event.subject])).toEqual([[EventTypes.scanCompleted, '/ccp/scan', 'team/web:latest']]);
    expect(emitted[0]!.id).toMatch(/^scan-20260301T100100Z-[0-9a-f]{10}\/scan$/);
    const data = emitted[0]!.data as ScanCompletedData;
    expect(data).toEqual({
      project: PROJECT,
      image: { ref: REF, digest: 'sha256:feed' },
      buildId: 'b1',
      scanners: {
        'pip-updates': { status: 'ok', findings: 1 },
        'npm-updates': { status: 'ok', findings: 1 },
        'gem-updates': { status: 'ok', findings: 1 },
        vulnerabilities: { status: 'skipped', findings: 0, reason: 'no OSV mirror configured (CCP_OSV_URLS)' },
        capabilities: { status: 'ok', findings: 2 },
        ...Object.fromEntries(
          Object.keys(data.scanners)
            .filter((id) => id.startsWith('rpm-'))
            .map((id) => [id, { status: 'skipped', findings: 0, reason: data.scanners[id]!.reason }]),
        ),
      },
      reports: { json: 'reports/team/web/latest/b1/scan.json', html: 'reports/team/web/latest/b1/scan.html', sbom: 'reports/team/web/latest/b1/sbom.cdx.json' },
    });
    const report = await json<ScanReport>(context, data.reports.json);
    expect(report).toMatchObject({
      verdict: 'high',
      counts: { high: 2, medium: 0, low: 3, info: 0 },
      links: { buildLog: 'reports/team/web/latest/b1/build.log' },
    });
    const sbom = await json<{ components: { purl: string }[] }>(context, data.reports.sbom);
    expect(sbom.components.map((component) => component.purl)).toEqual(['pkg:gem/rake@13.0.6', 'pkg:npm/lodash@4.17.20', 'pkg:pypi/requests@2.28.0']);
    const html = (await context.store.get(data.reports.html))!.body.toString();
    expect(html).toContain('<a href="build.log">Build log</a>');
    const state = await json<ImageState>(context, 'state/images/team/web/latest.json');
    expect(state).toMatchObject({ image: { digest: 'sha256:feed' }, lastScan: { buildId: 'b1', verdict: 'high', reports: data.reports } });
    expect(state.packages.map((item) => item.purl).sort()).toEqual(['pkg:gem/rake@13.0.6', 'pkg:npm/lodash@4.17.20', 'pkg:pypi/requests@2.28.0']);
    expect(source.requests.at(-1)).toMatchObject({ ref: REF, digest: 'sha256:feed', maxBytes: 4 * 1024 ** 3 });
    expect(existsSync(source.removed.at(-1)!)).toBe(false);
  });

  it('emits the same event id for a redelivered build.completed', async () => {
    const handle = createScanHandler({ source });
    const [first] = await handle(buildCompleted({}, 'again'), context);
    const [second] = await handle(buildCompleted({}, 'again'), context);
    expect(second!.id).toBe(first!.id);
  });

  it('runs two deliveries of one scan.requested at once in folders of their own, both whole', async () => {
    const handle = createScanHandler({ source });
    const request = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: REF, digest: 'sha256:feed' }, reason: 'manual' },
      { source: '/admin', id: 'twice-at-once' },
    );
    const seen = source.requests.length;
    const results = await Promise.all([handle(request, context), handle(request, context)]);
    const workDirs = source.requests.slice(seen).map((fetch) => fetch.workDir);
    const statuses = results.map(
      ([event]) => Object.values((event!.data as ScanCompletedData).scanners).filter((scanner) => scanner.status === 'failed').length,
    );
    expect([new Set(workDirs).size, statuses, results[0]![0]!.id === results[1]![0]!.id]).toEqual([2, [0, 0], true]);
  });

  it.each([
    [
      'a scan.requested for the build naming another repository',
      () =>
        makeEvent(
          EventTypes.scanRequested,
          { project: PROJECT, image: { ref: '127.0.0.1:5000/victim/app:latest', digest: 'sha256:feed' }, reason: 'build', buildId: 'b1' },
          { source: '/attacker', id: 'f1' },
        ),
      "repository victim/app is not team/web, the project's",
    ],
    [
      'a build.completed naming another registry',
      () => buildCompleted({ image: { ref: 'evil.example.org/team/web:latest', digest: 'sha256:feed' } }, 'forged-completion'),
      "registry evil.example.org is not the pipeline's registry 127.0.0.1:5000",
    ],
  ])("refuses %s before fetching, leaving the project's reports and image state alone", async (_name, event, message) => {
    const before = [
      source.requests.length,
      (await context.store.get('state/images/team/web/latest.json'))?.body.toString(),
      (await context.store.get('reports/team/web/latest/b1/scan.json'))?.body.toString(),
    ];
    const refused = await createScanHandler({ source })(event(), context).catch((error: unknown) => error);
    expect([
      refused instanceof ValidationError && refused.errors,
      source.requests.length,
      (await context.store.get('state/images/team/web/latest.json'))?.body.toString(),
      (await context.store.get('reports/team/web/latest/b1/scan.json'))?.body.toString(),
    ]).toEqual([[{ field: 'data.image.ref', message }], ...before]);
  });

  it('ignores a failed build', async () => {
    const before = source.requests.length;
    expect(await createScanHandler({ source })(buildCompleted({ status: 'failed', reason: 'exit 1' }), context)).toEqual([]);
    expect(source.requests.length).toBe(before);
  });

  it('aborts with every scanner skipped when the image is absent, without touching the image state', async () => {
    const request = makeEvent(
      EventTypes.scanRequested,
      { project: { ...PROJECT, jobId: 'gone' }, image: { ref: '127.0.0.1:5000/team/gone:latest' }, reason: 'weekly' },
      { source: '/ccp/dispatcher', id: 'w1', time: '2026-03-08T00:00:00.000Z' },
    );
    const [event] = await createScanHandler({ source })(request, context);
    const data = event!.data as ScanCompletedData;
    expect(Object.values(data.scanners).every((summary) => summary.status === 'skipped' && summary.reason === IMAGE_ABSENT)).toBe(true);
    expect(data.reports.json).toMatch(/^reports\/team\/gone\/latest\/scan-20260308T000000Z-[0-9a-f]{10}\/scan\.json$/);
    expect(await json<ScanReport>(context, data.reports.json)).toMatchObject({ verdict: 'skipped', reason: IMAGE_ABSENT });
    expect(await context.store.get('state/images/team/gone/latest.json')).toBeNull();
  });

  it('reports a throwing scanner and one past its time limit as failed; the others still report', async () => {
    const throwing: Scanner = {
      id: 'throws',
      version: '1.0.0',
      description: 'Throws.',
      scan: async () => {
        throw new TypeError('boom');
      },
    };
    const slow: Scanner = { id: 'slow', version: '1.0.0', description: 'Never ends.', scan: () => new Promise(() => undefined) };
    const quick: Scanner = {
      id: 'quick',
      version: '1.0.0',
      description: 'Finds one.',
      scan: async (target) => ({ status: 'ok', findings: [{ id: target.digest ?? '', severity: 'info', title: 'seen', details: {} }], packages: [] }),
    };
    const tight = { ...context, config: { ...config, scan: { ...config.scan!, scannerTimeoutMs: 200 } } };
    const request = makeEvent(
      EventTypes.scanRequested,
      { project: PROJECT, image: { ref: REF, digest: 'sha256:feed' }, reason: 'manual', buildId: 'b1' },
      { source: '/admin', id: 'm1' },
    );
    const [event] = await createScanHandler({ source, scanners: [throwing, slow, quick] })(request, tight);
    expect((event!.data as ScanCompletedData).scanners).toEqual({
      throws: { status: 'failed', findings: 0, reason: 'TypeError: boom' },
      slow: { status: 'failed', findings: 0, reason: 'no result within 200 ms' },
      quick: { status: 'ok', findings: 1 },
    });
    const report = await json<ScanReport>(context, (event!.data as ScanCompletedData).reports.json);
    expect(report.verdict).toBe('incomplete');
    // A manual rescan has its own folder; the build's log is linked only when it exists.
    expect(report.links.json).toMatch(/^reports\/team\/web\/latest\/scan-[0-9TZ]+-[0-9a-f]{10}\/scan\.json$/);
    expect(report.links.buildLog).toBeUndefined();
  });
});

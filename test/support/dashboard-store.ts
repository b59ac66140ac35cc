import { BuildRecords } from '../../shared/builds/records';
import { LogStreamer } from '../../shared/builds/log-streamer';
import type { BuildRecord, BuildStatus } from '../../shared/builds/types';
import { CascadeStore } from '../../shared/cascade/cascade-store';
import type { CascadeRecord } from '../../shared/cascade/types';
import type { BuildCause } from '../../shared/events/types';
import { DependencyGraph } from '../../shared/graph/dependency-graph';
import { lintBlockReason } from '../../shared/index/image-spec';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { buildImageState, writeImageState } from '../../shared/reports/image-state';
import { buildScanReport } from '../../shared/reports/scan-report';
import type { ScannerRun } from '../../shared/reports/types';
import { reportKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { planCascade } from '../../functions/dispatch/planning/cascade-plan';
import { recordCompletion, releaseReady } from '../../functions/dispatch/planning/cascade-advance';
import { formatJson } from '../../functions/lint/linter/format/json';
import { formatSarif } from '../../functions/lint/linter/format/sarif';
import { lintDockerfile } from '../../functions/lint/linter/lint';
import { lintVerdict } from '../../functions/lint/linter/verdict';
import { LINTER_VERSION } from '../../functions/lint/linter/version';
import { buildSbom } from '../../functions/scan/reports/cyclonedx';
import { storeScanReports } from '../../functions/scan/reports/store-reports';
import { rpmPurl } from '../../shared/reports/purl';

/**
 * A store as the pipeline leaves it, for the dashboard's tests: every object is written by the
 * code that writes it in the pipeline (build records, the streamed build log, the linter's
 * reports, the scan's reports and image state, the dispatcher's cascade planning and the
 * cascade store), never as hand-made JSON. Lives in test/ because it uses three functions'
 * folders (lint, scan, dispatch), which the dashboard's own code may not.
 */

/** An index entry as the loader makes it. */
export function projectEntry(appId: string, jobId: string, desiredTag: string, extra: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId,
    jobId,
    desiredTag,
    gitUrl: `https://git.example.org/${appId}/${jobId}.git`,
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    notifyEmail: ['team@example.org'],
    buildContext: '.',
    dependsOn: [],
    source: { file: 'index.d/projects.yaml', line: 3 },
    ...extra,
  };
}

export interface BuildFixture {
  buildId: string;
  status: BuildStatus;
  cause: BuildCause;
  /** The causes before `cause`, oldest first. */
  earlier?: BuildCause[];
  /** When it was queued; it started one second later and took `durationMs`. */
  queuedAt: string;
  durationMs?: number;
  reason?: string;
  commit?: string;
  digest?: string;
  /** Written through a LogStreamer, as the build function does; none when absent. */
  log?: string;
  /** Linted with the real linter (ShellCheck off); its reports stored as the lint function stores them. */
  dockerfile?: string;
  /** The lint blocks the build at this threshold: the record fails with the build function's reason. */
  lintThreshold?: 'error' | 'warning';
}

/** Stores one build of `entry` the way lint and build leave it. */
export async function writeBuild(store: ObjectStore, entry: ProjectEntry, fixture: BuildFixture): Promise<BuildRecord> {
  const lintKeys = fixture.dockerfile
    ? { json: reportKey(entry, fixture.buildId, 'lint.json'), sarif: reportKey(entry, fixture.buildId, 'lint.sarif') }
    : undefined;
  let reason = fixture.reason;
  if (fixture.dockerfile && lintKeys) {
    const findings = await lintDockerfile(fixture.dockerfile, { file: 'Dockerfile', shellcheck: false });
    await store.put(lintKeys.json, formatJson(findings), { contentType: 'application/json' });
    await store.put(lintKeys.sarif, formatSarif(findings, { toolVersion: LINTER_VERSION }), { contentType: 'application/sarif+json' });
    if (fixture.lintThreshold) {
      const { counts } = lintVerdict(findings, fixture.lintThreshold);
      reason = lintBlockReason({
        buildId: fixture.buildId,
        project: entry,
        entry,
        verdict: 'failed',
        blocking: true,
        failureThreshold: fixture.lintThreshold,
        counts,
        reports: lintKeys,
        cause: fixture.cause,
        causeChain: [...(fixture.earlier ?? []), fixture.cause],
      });
    }
  }
  const started = new Date(Date.parse(fixture.queuedAt) + 1000);
  const ended = fixture.durationMs !== undefined ? new Date(started.getTime() + fixture.durationMs) : undefined;
  const record: BuildRecord = {
    buildId: fixture.buildId,
    project: { appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag },
    name: imageName(entry),
    status: fixture.status,
    ...(reason ? { reason } : {}),
    cause: fixture.cause,
    causeChain: [...(fixture.earlier ?? []), fixture.cause],
    ...(fixture.commit ? { commit: fixture.commit } : {}),
    entry,
    image: { ref: `registry.example.org/${imageName(entry)}`, ...(fixture.digest ? { digest: fixture.digest } : {}) },
    backend: 'local',
    timings: {
      queuedAt: fixture.queuedAt,
      ...(fixture.status === 'queued' ? {} : { startedAt: started.toISOString() }),
      ...(ended ? { finishedAt: ended.toISOString(), durationMs: fixture.durationMs } : {}),
    },
    links: { log: reportKey(entry, fixture.buildId, 'build.log'), ...(lintKeys ? { lint: lintKeys } : {}) },
    updatedAt: fixture.queuedAt,
  };
  if (fixture.log !== undefined) await streamLog(store, record.links.log, fixture.log);
  return new BuildRecords(store, () => ended ?? started).put(record);
}

/** Writes `text` as the build function does: through a LogStreamer, closed at the end. */
export async function streamLog(store: ObjectStore, key: string, text: string): Promise<LogStreamer> {
  const log = new LogStreamer({ store, key, secrets: [], intervalMs: 0 });
  log.write(text);
  await log.close();
  return log;
}

export interface ScanFixture {
  buildId: string;
  scannedAt: string;
  digest: string;
  /** Scanner id → its findings' severities (and a failure, when `failed`). */
  scanners: Record<string, { severities: Array<'high' | 'medium' | 'low' | 'info'>; failed?: string }>;
}

/** Stores a scan of `entry` the way the scan function does: scan.json, scan.html, the SBOM and the image state. */
export async function writeScan(store: ObjectStore, entry: ProjectEntry, fixture: ScanFixture): Promise<void> {
  const image = { ref: `registry.example.org/${imageName(entry)}`, digest: fixture.digest };
  const packages = [
    { ecosystem: 'rpm' as const, name: 'bash', version: '5.1.8', purl: rpmPurl({ vendor: 'centos', name: 'bash', version: '5.1.8', arch: 'x86_64' }) },
  ];
  const runs: ScannerRun[] = Object.entries(fixture.scanners).map(([id, scanner]) => ({
    scanner: { id, version: '1.0.0', description: `${id} scanner` },
    result: {
      status: scanner.failed ? 'failed' : 'ok',
      ...(scanner.failed ? { reason: scanner.failed } : {}),
      findings: scanner.severities.map((severity, index) => ({ id: `${id}-${index}`, severity, title: `${severity} finding ${index} of ${id}`, details: {} })),
      packages,
    },
    startedAt: fixture.scannedAt,
    durationMs: 120,
  }));
  const report = buildScanReport({
    scanId: `scan-${fixture.buildId}`,
    image,
    project: entry,
    buildId: fixture.buildId,
    scannedAt: fixture.scannedAt,
    durationMs: 400,
    runs,
  });
  const sbom = buildSbom({ image, packages, timestamp: fixture.scannedAt, scanId: report.scanId, toolVersion: '0.0.0-test' });
  const keys = await storeScanReports(store, entry, fixture.buildId, report, sbom);
  await writeImageState(store, buildImageState(entry, report, packages, keys));
}

/**
 * A cascade as the dispatcher keeps it: planned from the index's `depends-on` graph with the
 * build `origin` as the change that starts it, created in the cascade store, then each named build's end
 * recorded (which releases or skips its children) through the store's compare-and-swap update.
 */
export async function writeCascade(
  store: ObjectStore,
  input: { id: string; entries: readonly ProjectEntry[]; origin: BuildRecord; cause: BuildCause; now: Date; ended?: Record<string, 'succeeded' | 'failed'> },
): Promise<CascadeRecord> {
  const entries = new Map(input.entries.map((entry) => [imageName(entry), entry]));
  const planned = planCascade({
    id: input.id,
    cause: input.cause,
    seeds: [],
    origin: {
      name: input.origin.name,
      entry: input.origin.entry,
      buildId: input.origin.buildId,
      cause: input.origin.cause,
      causeChain: input.origin.causeChain.slice(0, -1),
    },
    graph: new DependencyGraph(input.entries),
    entries,
    maxInFlight: 10,
    now: input.now,
  });
  if (!planned) throw new Error(`nothing depends on ${input.origin.name}: no cascade to write`);
  const cascades = new CascadeStore(store);
  await cascades.create(releaseReady(planned, input.now).record);
  for (const [name, status] of Object.entries(input.ended ?? {})) {
    await cascades.update(input.id, (record) => {
      const item = record.items.find((candidate) => candidate.name === name);
      if (!item) throw new Error(`${name} is not in cascade ${input.id}`);
      const step = recordCompletion(
        record,
        {
          buildId: item.buildId,
          project: item.project,
          entry: item.entry,
          status,
          ...(status === 'failed' ? { reason: 'RUN exited with 1' } : {}),
          reports: { log: reportKey(item.project, item.buildId, 'build.log') },
          timings: { startedAt: input.now.toISOString(), finishedAt: input.now.toISOString(), durationMs: 1000 },
          cause: item.cause,
          causeChain: [...item.causeChain, item.cause],
        },
        input.now,
      );
      return step ? { record: step.record, result: step } : null;
    });
  }
  return (await cascades.get(input.id))!;
}

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { deriveBuildId } from '../../shared/events/build-id';
import { functionSource, makeEvent } from '../../shared/events/make';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { type ImageRef } from '../../shared/events/contracts/parts';
import { type ScanCompletedData, type ScannerSummary } from '../../shared/events/contracts/scan-completed';
import { imageName, type ProjectRef } from '../../shared/index/types';
import { buildImageState, writeImageState } from '../../shared/reports/image-state';
import { type ReportLinks, type ScanReport } from '../../shared/reports/types';
import { scanReportKeys, storeScanReports } from './reports/store-reports';
import { SCANNERS } from './scanners/api';
import type { Scanner } from '../../shared/reports/scanner-types';
import { reportKey } from '../../shared/store/keys';
import type { FunctionContext, Handler } from '../../shared/function/types';
import type { ImageSource } from './image-source';
import { checkProjectImage } from './project-image';
import { scanEnvironment, scanSettings } from './scan-environment';
import { scanImage } from './scan-image';
import { parentSignaturesRun } from './parent-signatures';
import { registryClientFor } from '../../shared/registry/pipeline-registry';

export const FUNCTION_NAME = 'scan';
const SOURCE = functionSource(FUNCTION_NAME);

export interface ScanHandlerOptions {
  /** Fetches and unpacks images. */
  source: ImageSource;
  /** The scanners to run; every registered one by default. */
  scanners?: readonly Scanner[];
}

interface ScanJob {
  project: ProjectRef;
  image: ImageRef;
  buildId?: string;
  /** Where the reports go: the build's folder for a build's scan, else the scan id's. */
  folder?: string;
  links: ReportLinks;
}

/**
 * The scan function's handler. On a succeeded `build.completed` and on `scan.requested`:
 * fetches the image by digest, runs every scanner, stores `scan.json`, `scan.html` and
 * `sbom.cdx.json` under the build's report folder (for a weekly or manual rescan, a folder of
 * its own named by the scan id, `scan-<time>-<hash>`),
 * updates `state/images/…`, and returns `scan.completed` with each scanner's summary and the
 * report keys, its id `<scan-id>/scan` so that a redelivered request emits a duplicate.
 * A failed build is ignored. With `CCP_PARENT_SIGNATURES` on, the report has a
 * `parent-signatures` section: the in-index parents of the build, verified at the digests it
 * pulled (`enforce`: a high finding and the section failed; `warn`: a medium finding).
 * @see ../../shared/reports/readme.md
 * @see ../../docs/admin-guide.md#signed-images
 */
export function createScanHandler(options: ScanHandlerOptions): Handler {
  const scanners = options.scanners ?? SCANNERS;
  return async (event: CloudEvent<unknown>, context: FunctionContext) => {
    validateEvent(event);
    const job = await jobOf(event, context);
    if (!job) return [];
    const scanId = `scan-${deriveBuildId(event)}`;
    const folder = job.folder ?? scanId;
    const log = context.log.child({ project: imageName(job.project), eventId: event.id, scanId, ...(job.buildId ? { buildId: job.buildId } : {}) });
    // A scan is done once its reports are stored (html last): a redelivered build.completed or
    // scan.requested (at least once, as Knative; a rescan's folder is named by the request's
    // source, id and time) is answered from them, with the same event id, without scanning again.
    const done = await storedScan(context, job, folder);
    if (done) {
      log.info('already scanned; answering from its reports');
      return [makeEvent(EventTypes.scanCompleted, done, { source: SOURCE, id: `${scanId}/scan` })];
    }
    const settings = scanSettings(context.config);
    const parents = await parentSignaturesRun({
      settings: context.config.parentSignatures,
      client: registryClientFor(context.config),
      store: context.store,
      project: job.project,
      ...(job.buildId ? { buildId: job.buildId } : {}),
      log,
    });
    const outcome = await scanImage({
      scanId,
      image: job.image,
      project: job.project,
      ...(job.buildId ? { buildId: job.buildId } : {}),
      links: job.links,
      scanners,
      source: options.source,
      env: scanEnvironment(context.config, log, context.store),
      // Per delivery, not per scan: a redelivery running at the same time (at least once, as
      // Knative) must not remove the layers this one is unpacking.
      workDir: path.join(context.config.workDir, 'scan', `${scanId}-${randomUUID().slice(0, 8)}`),
      maxBytes: settings.maxBytes,
      maxFiles: settings.maxFiles,
      scannerTimeoutMs: settings.scannerTimeoutMs,
      log,
      ...(context.signal ? { signal: context.signal } : {}),
      ...(parents ? { extraRuns: [parents] } : {}),
    });
    const reports = await storeScanReports(context.store, job.project, folder, outcome.report, outcome.sbom);
    if (outcome.report.verdict !== 'skipped') {
      await writeImageState(context.store, buildImageState(job.project, outcome.report, outcome.packages, reports));
    }
    const scannerSummaries: Record<string, ScannerSummary> = {};
    for (const [id, scanner] of Object.entries(outcome.report.scanners)) {
      scannerSummaries[id] = { status: scanner.status, findings: scanner.findings.length, ...(scanner.reason ? { reason: scanner.reason } : {}) };
    }
    const data: ScanCompletedData = {
      project: job.project,
      image: outcome.report.image,
      ...(job.buildId ? { buildId: job.buildId } : {}),
      scanners: scannerSummaries,
      reports,
    };
    log.info('scanned', { verdict: outcome.report.verdict, counts: outcome.report.counts, packages: outcome.packages.length, ms: outcome.report.durationMs });
    return [makeEvent(EventTypes.scanCompleted, data, { source: SOURCE, id: `${scanId}/scan` })];
  };
}

/**
 * What to scan: from a succeeded build, or from a scan request; `null` for a failed build. The
 * image must be the project's own in the pipeline's registry ({@link checkProjectImage}): the
 * scan's reports and `state/images/<project>` would otherwise speak for another repository's image.
 */
async function jobOf(event: CloudEvent<unknown>, context: FunctionContext): Promise<ScanJob | null> {
  if (event.type === EventTypes.buildCompleted) {
    const build = dataOf(event, EventTypes.buildCompleted);
    if (build.status !== 'succeeded' || !build.image) {
      context.log.info('build not scanned', { eventId: event.id, buildId: build.buildId, status: build.status });
      return null;
    }
    checkProjectImage(build.project, build.image, context.config.registry, 'data.image');
    return {
      project: build.project,
      image: build.image,
      buildId: build.buildId,
      folder: build.buildId,
      links: { buildLog: build.reports.log, ...(build.reports.lint ? { lint: build.reports.lint } : {}) },
    };
  }
  const request = dataOf(event, EventTypes.scanRequested);
  checkProjectImage(request.project, request.image, context.config.registry, 'data.image');
  const links: ReportLinks = {};
  if (request.buildId) {
    const buildLog = reportKey(request.project, request.buildId, 'build.log');
    const lint = reportKey(request.project, request.buildId, 'lint.json');
    if (await context.store.head(buildLog)) links.buildLog = buildLog;
    if (await context.store.head(lint)) links.lint = lint;
  }
  // A weekly or manual rescan gets its own folder, so it never replaces the build's reports.
  const folder = request.reason === 'build' ? request.buildId : undefined;
  return { project: request.project, image: request.image, ...(request.buildId ? { buildId: request.buildId } : {}), ...(folder ? { folder } : {}), links };
}

/** The `scan.completed` data of a build's scan whose reports are all stored for the same image, or `null`. */
async function storedScan(context: FunctionContext, job: ScanJob, folder: string): Promise<ScanCompletedData | null> {
  const keys = scanReportKeys(job.project, folder);
  if (!(await context.store.head(keys.html))) return null;
  const stored = await context.store.get(keys.json);
  if (!stored) return null;
  let report: ScanReport;
  try {
    report = JSON.parse(stored.body.toString('utf8')) as ScanReport;
  } catch {
    return null;
  }
  if (report.image?.digest !== job.image.digest || typeof report.scanners !== 'object' || report.scanners === null) return null;
  const scanners: Record<string, ScannerSummary> = {};
  for (const [id, scanner] of Object.entries(report.scanners)) {
    scanners[id] = { status: scanner.status, findings: scanner.findings.length, ...(scanner.reason ? { reason: scanner.reason } : {}) };
  }
  return { project: job.project, image: report.image, ...(job.buildId ? { buildId: job.buildId } : {}), scanners, reports: keys };
}

import { vulnerabilitiesOf } from '../../shared/reports/vulnerabilities';
import { mkdir, rm } from 'node:fs/promises';
import { CCP_VERSION } from '../../shared/config/package-version';
import { RegistryError } from '../../shared/registry/errors';
import type { ImageRef } from '../../shared/events/types';
import type { ProjectRef } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import { buildScanReport } from '../../shared/reports/scan-report';
import { type ReportLinks, type ScanReport, type ScannerRun } from '../../shared/reports/types';
import { buildSbom, type CycloneDxBom } from './reports/cyclonedx';
import type { InstalledPackage, ScanEnvironment, Scanner } from '../../shared/reports/scanner-types';
import type { ImageSource } from './image-source';
import { runScanners, skippedRuns } from './run-scanners';

/** The seed's words for an image the registry does not have. */
export const IMAGE_ABSENT = 'Image is absent in the registry, scan is aborted.';

/** How the reason of an image that could not be fetched starts; its error's message follows. */
export const FETCH_FAILED = 'The image could not be fetched, scan is aborted: ';

/** The version the SBOM names as its tool: package.json's. */
export const SCAN_TOOL_VERSION = CCP_VERSION;

export interface ScanImageOptions {
  scanId: string;
  image: ImageRef;
  project?: ProjectRef;
  buildId?: string;
  links?: ReportLinks;
  scanners: readonly Scanner[];
  source: ImageSource;
  env: ScanEnvironment;
  workDir: string;
  maxBytes: number;
  /** Tar entries an image may have (`CCP_SCAN_MAX_FILES`). */
  maxFiles?: number;
  scannerTimeoutMs: number;
  log: Logger;
  /** The delivery's signal: on abort the fetch stops and the abort reason is thrown. */
  signal?: AbortSignal;
  /** Sections made outside the root filesystem (the parents' signatures), reported after the scanners'. */
  extraRuns?: readonly ScannerRun[];
}

export interface ScanOutcome {
  report: ScanReport;
  sbom: CycloneDxBom;
  /** Every package the scanners saw, all ecosystems. */
  packages: InstalledPackage[];
}

/**
 * Scans one image: fetches and unpacks it, runs every scanner on the root filesystem (the image
 * is never run), removes the root filesystem and `workDir` whatever happens, and builds `scan.json` and the
 * SBOM. An image the registry does not have gives every scanner `skipped` with the seed's
 * "absent" reason; an image that cannot be fetched (too large, too many files, a layer past its
 * time limit, a missing blob, a registry not allowed, corrupt) gives every scanner `skipped`
 * with that reason (one line, {@link FETCH_FAILED} first). Neither throws; a registry that does
 * not answer (network error, 5xx, 429) throws, so that the broker retries the scan with
 * backoff, and so does an aborted `signal` (the delivery ran out of time).
 * @see ../../shared/reports/readme.md
 */
export async function scanImage(options: ScanImageOptions): Promise<ScanOutcome> {
  const started = new Date();
  await mkdir(options.workDir, { recursive: true });
  let runs: ScannerRun[];
  let aborted: string | undefined;
  let image = options.image;
  let fetched;
  try {
    fetched = await options.source({
      ref: options.image.ref,
      digest: options.image.digest,
      workDir: options.workDir,
      maxBytes: options.maxBytes,
      ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (isTransient(error) || options.signal?.aborted) {
      // A registry that is down or overloaded now may answer on the broker's next attempt.
      await rm(options.workDir, { recursive: true, force: true });
      throw error;
    }
    // One line: a hostile registry chooses these messages, so they are cut (and never a stack).
    const reason = firstLine((error as Error).message);
    aborted = `${FETCH_FAILED}${reason}`;
    options.log.warn('image not fetched', { image: options.image.ref, reason, errorName: (error as Error).name });
  }
  if (fetched === null) aborted = IMAGE_ABSENT;
  if (fetched) {
    image = { ref: options.image.ref, digest: fetched.digest };
    try {
      runs = await runScanners(
        options.scanners,
        { rootfs: fetched.rootfs, imageRef: image.ref, digest: fetched.digest, config: fetched.config },
        options.env,
        options.scannerTimeoutMs,
      );
    } finally {
      await fetched.remove().catch((error: Error) => options.log.warn('rootfs not removed', { reason: error.message }));
    }
  } else {
    runs = skippedRuns(options.scanners, aborted!, started);
  }
  await rm(options.workDir, { recursive: true, force: true });
  runs.push(...(options.extraRuns ?? []));
  const report = buildScanReport({
    scanId: options.scanId,
    image,
    ...(options.project ? { project: options.project } : {}),
    ...(options.buildId ? { buildId: options.buildId } : {}),
    scannedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    runs,
    ...(options.links ? { links: options.links } : {}),
    ...(aborted ? { aborted } : {}),
  });
  const packages = runs.flatMap((run) => run.result.packages);
  const sbom = buildSbom({
    image,
    packages,
    timestamp: report.scannedAt,
    scanId: options.scanId,
    toolVersion: SCAN_TOOL_VERSION,
    vulnerabilities: vulnerabilitiesOf(report),
  });
  return { report, sbom, packages };
}

function isTransient(error: unknown): boolean {
  return error instanceof RegistryError && (error.status === undefined || error.status >= 500 || error.status === 429);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

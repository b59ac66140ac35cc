import type { ImageRef } from '../events/types';
import type { ProjectRef } from '../index/types';
import type { ScanFinding, Scanner, ScannerResult } from './scanner-types';

/** One scanner's run: what it said and how long it took. */
export interface ScannerRun {
  scanner: Pick<Scanner, 'id' | 'version' | 'description'>;
  result: ScannerResult;
  startedAt: string;
  durationMs: number;
}

export type FindingSeverity = ScanFinding['severity'];

export type SeverityCount = Record<FindingSeverity, number>;

/**
 * The overall verdict of a scan: `high` when any finding is high, else `incomplete` when a
 * scanner failed, else `findings` when there is any, else `clean`; `skipped` when nothing was
 * scanned (the image is absent from the registry).
 */
export type ScanVerdict = 'clean' | 'findings' | 'high' | 'incomplete' | 'skipped';

/** One scanner's section of `scan.json`. */
export interface ScannerReport {
  id: string;
  version: string;
  description: string;
  status: ScannerResult['status'];
  reason?: string;
  timings: { startedAt: string; durationMs: number };
  counts: SeverityCount;
  findings: ScanFinding[];
  notes: string[];
  /** How many installed packages the scanner saw (the packages themselves are in the SBOM). */
  packageCount: number;
  extra?: Record<string, unknown>;
}

/** `scan.json`: everything one scan found, per scanner. */
export interface ScanReport {
  /** Format of this document, for readers that must tell versions apart. */
  format: 'ccp.scan/v1';
  scanId: string;
  image: ImageRef;
  project?: ProjectRef;
  buildId?: string;
  /** When the scan started, ISO 8601. */
  scannedAt: string;
  durationMs: number;
  verdict: ScanVerdict;
  /** Why nothing was scanned, when the verdict is `skipped`. */
  reason?: string;
  counts: SeverityCount;
  /** Scanner id → its report, in registry order. */
  scanners: Record<string, ScannerReport>;
  /** Object store keys or URLs of the related reports, when known. */
  links: ReportLinks;
}

/** Related reports: object store keys (same store) or absolute URLs. */
export interface ReportLinks {
  buildLog?: string;
  lint?: string;
  json?: string;
  html?: string;
  sbom?: string;
}

import type { ImageRef } from '../events/types';
import type { ProjectRef } from '../index/types';
import type { ReportLinks, ScanReport, ScannerReport, ScannerRun, ScanVerdict, SeverityCount } from './types';

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;

export interface ScanReportInput {
  scanId: string;
  image: ImageRef;
  project?: ProjectRef;
  buildId?: string;
  scannedAt: string;
  durationMs: number;
  runs: ScannerRun[];
  links?: ReportLinks;
  /** Why nothing was scanned (the image is absent): the verdict is then `skipped`. */
  aborted?: string;
}

/**
 * Builds `scan.json` from the scanners' runs: per scanner its version, status, reason, timing,
 * findings, notes and counts by severity; overall counts and the verdict.
 * @see ./readme.md
 */
export function buildScanReport(input: ScanReportInput): ScanReport {
  const scanners: Record<string, ScannerReport> = {};
  for (const run of input.runs) {
    const { result } = run;
    scanners[run.scanner.id] = {
      id: run.scanner.id,
      version: run.scanner.version,
      description: run.scanner.description,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      timings: { startedAt: run.startedAt, durationMs: run.durationMs },
      counts: countBySeverity(result.findings),
      findings: result.findings,
      notes: result.notes ?? [],
      packageCount: result.packages.length,
      ...(result.extra ? { extra: result.extra } : {}),
    };
  }
  const counts = countBySeverity(input.runs.flatMap((run) => run.result.findings));
  return {
    format: 'ccp.scan/v1',
    scanId: input.scanId,
    image: input.image,
    ...(input.project ? { project: input.project } : {}),
    ...(input.buildId ? { buildId: input.buildId } : {}),
    scannedAt: input.scannedAt,
    durationMs: input.durationMs,
    verdict: verdictOf(input, counts),
    ...(input.aborted ? { reason: input.aborted } : {}),
    counts,
    scanners,
    links: input.links ?? {},
  };
}

/** Findings per severity, every severity present. */
export function countBySeverity(findings: readonly { severity: keyof SeverityCount }[]): SeverityCount {
  const counts: SeverityCount = { high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function verdictOf(input: ScanReportInput, counts: SeverityCount): ScanVerdict {
  if (input.aborted) return 'skipped';
  if (counts.high > 0) return 'high';
  if (input.runs.some((run) => run.result.status === 'failed')) return 'incomplete';
  return counts.medium + counts.low + counts.info > 0 ? 'findings' : 'clean';
}

import type { SeverityBand } from '../osv/cvss';
import type { ScanReport } from './types';

/** Whether the image can take an advisory's fix today (the `vulnerabilities` scanner's `details.status`). */
export type FixStatus = 'fixable-now' | 'fix-upstream-only' | 'no-fix';

/** Severity bands from the most to the least severe: the order reports and thresholds use. */
export const SEVERITY_BANDS: readonly SeverityBand[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

/** Fix statuses in the order a reader acts on them. */
export const FIX_STATUSES: readonly FixStatus[] = ['fixable-now', 'fix-upstream-only', 'no-fix'];

/** The scanner id whose findings are advisories. */
export const VULNERABILITIES_SCANNER = 'vulnerabilities';

/** One advisory affecting one installed package, as the reports read it from `scan.json`. */
export interface Vulnerability {
  /** The finding's id in `scan.json`: `<advisory> <package>@<version>`, stable between scans. */
  key: string;
  advisory: string;
  aliases: string[];
  summary: string;
  package: string;
  installed: string;
  purl?: string;
  fixed: string | null;
  status: FixStatus;
  band: SeverityBand;
  score?: number;
  vector?: string;
  /** The newer version the image's repos or registry carry, when `fixable-now`. */
  available?: string;
}

const rank = <T>(order: readonly T[], value: T): number => {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
};

/** A minimum severity: a CVSS band, or `all` for every advisory (those without a score too). */
export type SeverityThreshold = 'critical' | 'high' | 'medium' | 'low' | 'all';

/** The thresholds settings and flags accept, most severe first. */
export const SEVERITY_THRESHOLDS: readonly SeverityThreshold[] = ['critical', 'high', 'medium', 'low', 'all'];

/**
 * True when an advisory of `band` reaches `threshold`: `all` takes every one; a band takes
 * itself and the more severe (`none` and `unknown`, no score or 0.0, only with `all`).
 */
export function meetsThreshold(band: SeverityBand, threshold: SeverityThreshold): boolean {
  return threshold === 'all' || atLeast(band, threshold);
}

/** True when `band` is `threshold` or more severe (`unknown` counts as the least severe). */
export function atLeast(band: SeverityBand, threshold: SeverityBand): boolean {
  return rank(SEVERITY_BANDS, band) <= rank(SEVERITY_BANDS, threshold);
}

/** Most severe first, then fixable now before upstream-only before no fix, then higher score, then by key. */
export function compareVulnerabilities(a: Vulnerability, b: Vulnerability): number {
  return (
    rank(SEVERITY_BANDS, a.band) - rank(SEVERITY_BANDS, b.band) ||
    rank(FIX_STATUSES, a.status) - rank(FIX_STATUSES, b.status) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The `vulnerabilities` scanner's findings of a `scan.json`, typed and sorted by
 * {@link compareVulnerabilities}; empty when the scanner did not run. A finding whose details
 * lack an advisory id (a report written by another version) is left out rather than guessed.
 * @see ../../functions/scan/scanners/vulnerabilities/index.ts
 */
export function vulnerabilitiesOf(report: Pick<ScanReport, 'scanners'>): Vulnerability[] {
  const scanner = report.scanners[VULNERABILITIES_SCANNER];
  if (!scanner) return [];
  const out: Vulnerability[] = [];
  for (const finding of scanner.findings) {
    const details = finding.details;
    const advisory = str(details.advisory);
    if (!advisory) continue;
    const severity = (details.severity ?? {}) as { band?: unknown; score?: unknown; vector?: unknown };
    const band = SEVERITY_BANDS.includes(severity.band as SeverityBand) ? (severity.band as SeverityBand) : 'unknown';
    const status = FIX_STATUSES.includes(details.status as FixStatus) ? (details.status as FixStatus) : 'no-fix';
    out.push({
      key: finding.id,
      advisory,
      aliases: Array.isArray(details.aliases) ? details.aliases.filter((alias): alias is string => typeof alias === 'string') : [],
      summary: str(details.summary) ?? '',
      package: str(details.package) ?? '',
      installed: str(details.installed) ?? '',
      ...(str(details.purl) ? { purl: str(details.purl)! } : {}),
      fixed: str(details.fixed) ?? null,
      status,
      band,
      ...(typeof severity.score === 'number' ? { score: severity.score } : {}),
      ...(str(severity.vector) ? { vector: str(severity.vector)! } : {}),
      ...(str(details.available) ? { available: str(details.available)! } : {}),
    });
  }
  return out.sort(compareVulnerabilities);
}

/** The advisory's page on osv.dev: a link for people, never fetched by ccp. */
export function advisoryUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

/** How many vulnerabilities fall in each band and each status. */
export function countVulnerabilities(items: readonly Vulnerability[]): { bands: Record<SeverityBand, number>; statuses: Record<FixStatus, number> } {
  const bands = Object.fromEntries(SEVERITY_BANDS.map((band) => [band, 0])) as Record<SeverityBand, number>;
  const statuses = Object.fromEntries(FIX_STATUSES.map((status) => [status, 0])) as Record<FixStatus, number>;
  for (const item of items) {
    bands[item.band] += 1;
    statuses[item.status] += 1;
  }
  return { bands, statuses };
}

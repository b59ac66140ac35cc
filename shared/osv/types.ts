/**
 * The parts of an OSV record ccp reads, after {@link parseOsvRecord} has checked them. Field
 * names follow the schema; what ccp ignores (`credits`, `references`, `GIT` ranges' repos…)
 * is dropped at load, so 50,000 advisories stay small in memory.
 * @see https://ossf.github.io/osv-schema/
 */
export interface Advisory {
  /** `RHSA-2024:1234`, `ALSA-2024:1234`, `GHSA-…`, `PYSEC-…`. */
  id: string;
  /** Other ids of the same vulnerability, CVEs first. */
  aliases: string[];
  summary: string;
  /** ISO 8601, as the record gives it. */
  modified: string;
  published?: string;
  severity: SeverityScore[];
  affected: AffectedPackage[];
  /** The record's `database_specific.severity` (GitHub's `HIGH`, Red Hat's `Important`…), when it has one. */
  databaseSeverity?: string;
}

/** One `severity[]` entry: `CVSS_V2`, `CVSS_V3`, `CVSS_V4` with its vector, or another type with its text. */
export interface SeverityScore {
  type: string;
  score: string;
}

export interface AffectedPackage {
  /** As the record says: `AlmaLinux:9`, `Red Hat:enterprise_linux:9::baseos`, `PyPI`. */
  ecosystem: string;
  name: string;
  purl?: string;
  ranges: AffectedRange[];
  /** Exact versions that are affected, besides the ranges. */
  versions: string[];
  /** Per-package severity (OSV 1.5), which beats the record's. */
  severity: SeverityScore[];
}

/** An `ECOSYSTEM` or `SEMVER` range; `GIT` ranges name commits, which an installed package has not. */
export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: RangeEvent[];
}

export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

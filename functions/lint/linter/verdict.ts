import type { Finding, Level, Threshold } from '../../../shared/dockerfile/types';

const RANK: Record<Level, number> = { error: 4, warning: 3, info: 2, style: 1 };

/** Counts per level, as `lint.completed` carries them. */
export interface LevelCounts {
  error: number;
  warning: number;
  info: number;
  style: number;
}

/**
 * Whether the findings fail at this threshold (a finding at or above it fails; `ignore` and
 * `none` never fail), and how many there are per level.
 * @see https://github.com/hadolint/hadolint#configure
 */
export function lintVerdict(findings: Finding[], threshold: Threshold): { failed: boolean; counts: LevelCounts } {
  const counts: LevelCounts = { error: 0, warning: 0, info: 0, style: 0 };
  findings.forEach((finding) => (counts[finding.level] += 1));
  const failed = threshold !== 'ignore' && threshold !== 'none' && findings.some((finding) => RANK[finding.level] >= RANK[threshold]);
  return { failed, counts };
}

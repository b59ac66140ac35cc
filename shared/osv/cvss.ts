import { cvssCalculator } from '../lazy/packages';
import type { SeverityScore } from './types';

/** The qualitative bands of CVSS v3.1 and v4.0 (table 14 of the v3.1 specification). */
export type SeverityBand = 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown';

/** What the report says of an advisory's severity. */
export interface Severity {
  band: SeverityBand;
  /** Base score 0.0–10.0, when a CVSS vector gave one. */
  score?: number;
  /** The CVSS vector it came from. */
  vector?: string;
  /** `CVSS_V3`, `CVSS_V4`, `CVSS_V2`, or `database_specific` when only the database's word was there. */
  source?: string;
}

/** Every base metric a vector of each version must give, else its score means nothing. */
const BASE_METRICS: Record<string, { pattern: RegExp; metrics: string[]; make(vector: string): { calculateScores(): { base?: number; overall?: number } } }> = {
  CVSS_V3: {
    pattern: /^CVSS:3\.[01]\//,
    metrics: ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
    make: (vector) => (vector.startsWith('CVSS:3.0/') ? new (cvssCalculator().Cvss3P0)(vector) : new (cvssCalculator().Cvss3P1)(vector)),
  },
  CVSS_V4: {
    pattern: /^CVSS:4\.0\//,
    metrics: ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
    make: (vector) => new (cvssCalculator().Cvss4P0)(vector),
  },
  CVSS_V2: { pattern: /^(\(?AV:)/, metrics: ['AV', 'AC', 'Au', 'C', 'I', 'A'], make: (vector) => new (cvssCalculator().Cvss2)(vector.replace(/^\(|\)$/g, '')) },
};

/** Which vector wins when a record gives several: v3 is what most tools and people compare. */
const PREFERENCE = ['CVSS_V3', 'CVSS_V4', 'CVSS_V2'];

/**
 * The base score of a CVSS vector (v2, v3.0, v3.1 or v4.0), or `null` when the vector is not
 * one or lacks a base metric: the calculator would score a partial vector 0, which would read
 * as "no risk".
 * @see https://www.first.org/cvss/v3.1/specification-document#7-4-Metric-Values
 */
export function cvssBaseScore(type: string, vector: string): number | null {
  const key = `${type} ${vector}`;
  if (SCORES.has(key)) return SCORES.get(key)!;
  if (SCORES.size >= SCORES_SIZE) SCORES.clear();
  const score = computeScore(type, vector);
  SCORES.set(key, score);
  return score;
}

/** Scores by vector: advisories share a few thousand distinct vectors, and the calculator costs ~50 µs a vector. */
const SCORES = new Map<string, number | null>();
const SCORES_SIZE = 50_000;

function computeScore(type: string, vector: string): number | null {
  const kind = BASE_METRICS[type];
  if (!kind || !kind.pattern.test(vector)) return null;
  const given = new Set(
    vector
      .replace(/^\(|\)$/g, '')
      .split('/')
      .map((part) => part.split(':')[0]),
  );
  if (!kind.metrics.every((metric) => given.has(metric))) return null;
  try {
    const scores = kind.make(vector).calculateScores();
    const score = scores.base ?? scores.overall;
    return typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 10 ? score : null;
  } catch {
    return null;
  }
}

/**
 * The qualitative band of a base score: 0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high,
 * 9.0–10.0 critical (the same for v3.x and v4.0; v2 had no critical, and is banded the same way).
 * @see https://www.first.org/cvss/v3.1/specification-document#Qualitative-Severity-Rating-Scale
 */
export function severityBand(score: number): SeverityBand {
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

/** Databases' own words (GitHub `MODERATE`, Red Hat `Important`) as bands. */
const WORDS: Record<string, SeverityBand> = {
  critical: 'critical',
  important: 'high',
  high: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  none: 'none',
};

/**
 * The severity of an advisory for one package: the package's own `severity` entries over the
 * record's, a CVSS v3 vector over v4 over v2, and the database's word (`database_specific.severity`)
 * when no vector scores. `unknown` when nothing says.
 * @see https://ossf.github.io/osv-schema/#severity-field
 */
export function advisorySeverity(packageScores: SeverityScore[], recordScores: SeverityScore[], databaseSeverity?: string): Severity {
  for (const scores of [packageScores, recordScores]) {
    for (const type of PREFERENCE) {
      for (const entry of scores.filter((candidate) => candidate.type === type)) {
        const score = cvssBaseScore(type, entry.score);
        if (score !== null) return { band: severityBand(score), score, vector: entry.score, source: type };
      }
    }
  }
  const word = databaseSeverity ? WORDS[databaseSeverity.toLowerCase()] : undefined;
  return word ? { band: word, source: 'database_specific' } : { band: 'unknown' };
}

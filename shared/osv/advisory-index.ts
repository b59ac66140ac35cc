import type { VersionRules } from '../versions/version-rules';
import { advisorySeverity, type Severity } from './cvss';
import { ecosystemRules, parseEcosystem, type OsvEcosystem } from './ecosystems';
import { affects } from './ranges';
import type { Advisory, AffectedPackage } from './types';

/** An advisory that holds an installed package's version. */
export interface AdvisoryMatch {
  advisory: Advisory;
  /** The `affected[]` entry that matched. */
  affected: AffectedPackage;
  /** The version that fixes it for this install, or `null` when the advisory names none. */
  fixed: string | null;
  severity: Severity;
}

/** What to look up: an installed package of one ecosystem, at one version. */
export interface AdvisoryQuery {
  ecosystem: OsvEcosystem;
  name: string;
  version: string;
  /**
   * The distribution release of the image (`9`, `9.2`): entries of another release
   * (`AlmaLinux:8`) are left out; compared on the major number. Entries without one apply to all.
   */
  release?: string;
}

interface Posting {
  advisory: Advisory;
  affected: AffectedPackage;
  /** The major release the entry is for, or `null` for any. */
  major: string | null;
}

const keyOf = (ecosystem: OsvEcosystem, name: string): string => `${ecosystem}\u0000${ecosystemRules(ecosystem).normalize(name)}`;
const majorOf = (release: string): string => release.split('.')[0]!;

/**
 * Advisories by (ecosystem, normalized package name), answering "which advisories affect this
 * package at this version" with one map look-up and the ranges of that package's entries only.
 * An advisory id is indexed once (the first load wins: two exports may carry the same record).
 * @see https://ossf.github.io/osv-schema/#affected-fields
 */
export class AdvisoryIndex {
  private readonly postings = new Map<string, Posting[]>();
  private readonly ids = new Set<string>();
  private readonly severities = new WeakMap<AffectedPackage, Severity>();

  /** Advisories indexed. */
  get size(): number {
    return this.ids.size;
  }

  /** Adds an advisory's affected entries of the ecosystems ccp reads; `false` when its id was already there. */
  add(advisory: Advisory): boolean {
    if (this.ids.has(advisory.id)) return false;
    this.ids.add(advisory.id);
    for (const affected of advisory.affected) {
      const ecosystem = parseEcosystem(affected.ecosystem);
      if (!ecosystem) continue;
      const key = keyOf(ecosystem.base, affected.name);
      const list = this.postings.get(key) ?? [];
      list.push({ advisory, affected, major: ecosystem.release === null ? null : majorOf(ecosystem.release) });
      this.postings.set(key, list);
    }
    return true;
  }

  /**
   * The advisories affecting `query`'s package at its version, sorted by advisory id; several
   * entries of one advisory for the package (one per release stream) give one match, with the
   * highest fix. Empty when the version is not one of the ecosystem's (the caller notes it).
   */
  lookup(query: AdvisoryQuery): AdvisoryMatch[] {
    const postings = this.postings.get(keyOf(query.ecosystem, query.name));
    const { rules } = ecosystemRules(query.ecosystem);
    if (!postings || !rules.valid(query.version)) return [];
    const major = query.release === undefined ? null : majorOf(query.release);
    const matches = new Map<string, AdvisoryMatch>();
    for (const posting of postings) {
      if (posting.major !== null && major !== null && posting.major !== major) continue;
      const verdict = affects(posting.affected, query.version, rules);
      if (!verdict) continue;
      const previous = matches.get(posting.advisory.id);
      if (previous && !laterFix(verdict.fixed, previous.fixed, rules)) continue;
      matches.set(posting.advisory.id, { advisory: posting.advisory, affected: posting.affected, fixed: verdict.fixed, severity: this.severityOf(posting) });
    }
    return [...matches.values()].sort((a, b) => (a.advisory.id < b.advisory.id ? -1 : a.advisory.id > b.advisory.id ? 1 : 0));
  }

  private severityOf(posting: Posting): Severity {
    let severity = this.severities.get(posting.affected);
    if (!severity) {
      severity = advisorySeverity(posting.affected.severity, posting.advisory.severity, posting.advisory.databaseSeverity);
      this.severities.set(posting.affected, severity);
    }
    return severity;
  }
}

/** Whether fix `a` should replace `b`: no fix beats any (the install stays affected), else the higher. */
function laterFix(a: string | null, b: string | null, rules: VersionRules): boolean {
  if (b === null) return false;
  if (a === null) return true;
  return rules.compare(a, b) > 0;
}

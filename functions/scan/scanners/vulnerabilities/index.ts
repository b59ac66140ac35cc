import { ecosystemRules, parseEcosystem } from '../../../../shared/osv/ecosystems';
import type { AdvisoryMatch } from '../../../../shared/osv/advisory-index';
import type { SeverityBand } from '../../../../shared/osv/cvss';
import { fixStatus } from '../../../../shared/osv/fix-status';
import type { FixStatus } from '../../../../shared/reports/vulnerabilities';
import type { ScanFinding, Scanner, ScannerResult } from '../../../../shared/reports/scanner-types';
import { availabilityReader, type Available } from './availability';
import { readInventory, type InventoryItem } from './inventory';

const FINDING_SEVERITY: Record<SeverityBand, ScanFinding['severity']> = {
  critical: 'high',
  high: 'high',
  medium: 'medium',
  low: 'low',
  none: 'info',
  unknown: 'info',
};
const STATUS_ORDER: Record<FixStatus, number> = { 'fixable-now': 0, 'fix-upstream-only': 1, 'no-fix': 2 };

/**
 * One package's matches with advisories of the same vulnerability merged (GHSA and PYSEC
 * records of one CVE, linked by their ids and aliases): the one with the highest CVSS score
 * stays (the first by id among equals), the others are listed as `related`.
 */
function mergeAliases(matches: AdvisoryMatch[]): { match: AdvisoryMatch; related: string[] }[] {
  const merged: { match: AdvisoryMatch; related: string[]; names: Set<string> }[] = [];
  const ranked = [...matches].sort((a, b) => (b.severity.score ?? -1) - (a.severity.score ?? -1) || (a.advisory.id < b.advisory.id ? -1 : 1));
  for (const match of ranked) {
    const names = [match.advisory.id, ...match.advisory.aliases];
    const group = merged.find((candidate) => names.some((name) => candidate.names.has(name)));
    if (!group) {
      merged.push({ match, related: [], names: new Set(names) });
      continue;
    }
    group.related.push(match.advisory.id);
    names.forEach((name) => group.names.add(name));
  }
  return merged.map(({ match, related }) => ({ match, related }));
}

function statusOf(match: AdvisoryMatch, item: InventoryItem, available: Available | null): FixStatus {
  return fixStatus(match.fixed, available?.version ?? null, ecosystemRules(item.ecosystem).rules);
}

/** The fix as people read it: an RPM fix without its `0:` epoch. */
function displayFix(fixed: string, item: InventoryItem): string {
  return item.rpm ? fixed.replace(/^0:/, '') : fixed;
}

function finding(item: InventoryItem, match: AdvisoryMatch, related: string[], status: FixStatus, available: Available | null): ScanFinding {
  const { advisory, severity } = match;
  const cve = advisory.aliases.find((alias) => alias.startsWith('CVE-'));
  const fixed = match.fixed === null ? null : displayFix(match.fixed, item);
  const outcome =
    status === 'fixable-now'
      ? `fixed in ${fixed}, available ${available!.display} (${available!.from})`
      : status === 'fix-upstream-only'
        ? `fixed in ${fixed}, not yet available`
        : 'no fix';
  return {
    id: `${advisory.id} ${item.label}@${item.displayVersion}`,
    severity: FINDING_SEVERITY[severity.band],
    title: `${advisory.id}${cve && cve !== advisory.id ? ` (${cve})` : ''} in ${item.label} ${item.displayVersion}: ${outcome}`,
    details: {
      advisory: advisory.id,
      aliases: advisory.aliases,
      ...(related.length > 0 ? { related } : {}),
      summary: advisory.summary,
      ecosystem: match.affected.ecosystem,
      package: item.label,
      installed: item.displayVersion,
      purl: item.purl,
      fixed,
      status,
      ...(status === 'fixable-now' ? { available: available!.display, availableFrom: available!.from } : {}),
      severity: {
        band: severity.band,
        ...(severity.score !== undefined ? { score: severity.score } : {}),
        ...(severity.vector ? { vector: severity.vector } : {}),
      },
      ...(item.locations ? { locations: item.locations } : {}),
    },
  };
}

const scoreOf = (item: ScanFinding): number => (item.details.severity as { score?: number }).score ?? -1;

/**
 * vulnerabilities: every installed package (RPMs, Python, npm, gems) against the OSV
 * advisories of its ecosystem, its version compared by the ecosystem's rules (rpm EVR with
 * epochs, PEP 440, semver, RubyGems). Each finding names the advisory and its CVE, the CVSS
 * severity, the fix and whether the image can take it now (`fixable-now`: the image's own RPM
 * repos, or the registry, carry the fixed version or a later one), only upstream
 * (`fix-upstream-only`) or not at all (`no-fix`). Withdrawn advisories are never reported.
 * Skipped without a configured mirror or without packages; `failed` when no export could be
 * fetched or stored.
 * @see https://ossf.github.io/osv-schema/
 */
export const vulnerabilitiesScanner: Scanner = {
  id: 'vulnerabilities',
  version: '1.0.0',
  description: 'Installed packages with OSV advisories (CVEs): severity, fixed version, and whether the fix is in the image’s own repositories or registries.',
  async scan(target, env): Promise<ScannerResult> {
    if (!env.advisories) return { status: 'skipped', reason: 'no OSV mirror configured (CCP_OSV_URLS)', findings: [], packages: [] };
    const inventory = await readInventory(target, env);
    if (inventory.items.length === 0) {
      return {
        status: 'skipped',
        reason: 'no packages to match',
        findings: [],
        packages: [],
        ...(inventory.notes.length > 0 ? { notes: inventory.notes } : {}),
      };
    }
    const availability = availabilityReader(target, env, inventory.rpmdb);
    // Nearly every RPM image has an advisory with a fix: its repos are read while the database loads.
    if (inventory.items.some((item) => item.rpm)) availability.prefetch();
    const database = await env.advisories.load();
    const notes = [...inventory.notes];
    for (const outcome of database.refresh)
      if (outcome.status === 'failed')
        notes.push(`${outcome.error}${database.stats.ecosystems.includes(outcome.ecosystem) ? '; the stored export was used' : ''}`);
    if (database.stats.ecosystems.length === 0) {
      return { status: 'failed', reason: `no OSV export is stored: ${notes.join('; ')}`, findings: [], packages: [] };
    }
    if (database.stats.invalid > 0) notes.push(`${database.stats.invalid} OSV records broke the schema and were skipped (${database.stats.errors.join('; ')})`);
    const loadedBases = new Set(database.stats.ecosystems.map((ecosystem) => parseEcosystem(ecosystem)?.base));
    const unmatched = new Set<string>();
    const invalid: string[] = [];
    const findings = (
      await Promise.all(
        inventory.items.map(async (item) => {
          if (!loadedBases.has(item.ecosystem)) {
            unmatched.add(item.ecosystem);
            return [];
          }
          if (!ecosystemRules(item.ecosystem).rules.valid(item.version)) {
            invalid.push(`${item.label} ${item.displayVersion}`);
            return [];
          }
          const query = { ecosystem: item.ecosystem, version: item.version, ...(item.release ? { release: item.release } : {}) };
          const byName = database.index.lookup({ ...query, name: item.name });
          const bySource = item.rpm?.sourceName ? database.index.lookup({ ...query, name: item.rpm.sourceName }) : [];
          const ids = new Set(byName.map((match) => match.advisory.id));
          const matches = [...byName, ...bySource.filter((match) => !ids.has(match.advisory.id))];
          if (matches.length === 0) return [];
          const available = matches.some((match) => match.fixed !== null) ? await availability.newest(item) : null;
          return mergeAliases(matches).map(({ match, related }) => finding(item, match, related, statusOf(match, item, available), available));
        }),
      )
    ).flat();
    findings.sort(
      (a, b) =>
        STATUS_ORDER[a.details.status as FixStatus] - STATUS_ORDER[b.details.status as FixStatus] ||
        scoreOf(b) - scoreOf(a) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    for (const ecosystem of [...unmatched].sort()) notes.push(`no ${ecosystem} advisories in the database (CCP_OSV_ECOSYSTEMS): its packages were not matched`);
    if (invalid.length > 0) notes.push(`not versions of their ecosystem, not matched: ${invalid.sort().join(', ')}`);
    // Sorted: the registries answer in any order.
    notes.push(...[...availability.notes].sort());
    return {
      status: 'ok',
      findings,
      packages: [],
      extra: {
        database: { advisories: database.index.size, ecosystems: database.stats.ecosystems, withdrawn: database.stats.withdrawn, refresh: database.refresh },
      },
      ...(notes.length > 0 ? { notes } : {}),
    };
  },
};

import type { InstalledPackage, ScanFinding, ScannerResult } from '../../../../shared/reports/scanner-types';
import { RegistryUnreachableError } from '../../../../shared/package-registries/registry-client';
import { newestVersion, type RegistryVersions } from '../../../../shared/package-registries/registry-versions';
import type { VersionRules } from '../../../../shared/versions/version-rules';

/** A package found in the image's files. */
export interface FoundPackage {
  /** The name the registry knows it by. */
  name: string;
  version: string;
  /** Folder or file it was found in, relative to the root (`usr/lib/python3/site-packages/x.dist-info`). */
  location: string;
  purl: string;
  qualifiers?: Record<string, string>;
}

export interface UpdateCheck {
  ecosystem: InstalledPackage['ecosystem'];
  /** For notes and reasons: `PyPI`, `npm registry`, `rubygems`. */
  registryName: string;
  rules: VersionRules;
  /** `null` when the registry does not know the package. `prereleases` asks for pre-releases too. */
  lookup(name: string, prereleases: boolean): Promise<RegistryVersions | null>;
}

/**
 * Checks every found package against its registry, one question per distinct name, and
 * turns the answers into the scanner's result: one finding per outdated name and version
 * (`medium` when a major version behind, `low` otherwise), a note per package the registry
 * does not know or whose version the rules cannot read, and `failed` with the reason when the
 * registry cannot be reached (the inventory is still reported, for the SBOM).
 */
export async function checkUpdates(found: FoundPackage[], check: UpdateCheck): Promise<ScannerResult> {
  const packages = found.map(toInstalled(check.ecosystem));
  const installs = new Map<string, { name: string; version: string; locations: string[] }>();
  for (const item of found) {
    const key = `${item.name}@${item.version}`;
    const install = installs.get(key) ?? { name: item.name, version: item.version, locations: [] };
    install.locations.push(item.location);
    installs.set(key, install);
  }
  const findings: ScanFinding[] = [];
  const notes: string[] = [];
  let failure: string | null = null;
  const sorted = [...installs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  await Promise.all(
    sorted.map(async (install) => {
      if (!check.rules.valid(install.version)) {
        notes.push(`${install.name} ${install.version}: not a ${check.rules.name} version, not compared`);
        return;
      }
      let known: RegistryVersions | null;
      try {
        known = await check.lookup(install.name, check.rules.isPrerelease(install.version));
      } catch (error) {
        if (!(error instanceof RegistryUnreachableError)) throw error;
        failure ??= `${check.registryName} unreachable: ${error.message}`;
        return;
      }
      if (!known) {
        notes.push(`${install.name}: unknown to ${check.registryName}`);
        return;
      }
      const newest = newestVersion(install.version, known, check.rules);
      if (newest) findings.push(updateFinding(install, newest, check.rules));
    }),
  );
  findings.sort((a, b) => (a.id < b.id ? -1 : 1));
  notes.sort();
  const result: ScannerResult = { status: 'ok', findings, packages, ...(notes.length > 0 ? { notes } : {}) };
  return failure ? { ...result, status: 'failed', reason: failure } : result;
}

function updateFinding(install: { name: string; version: string; locations: string[] }, newest: string, rules: VersionRules): ScanFinding {
  const major = rules.major(newest) > rules.major(install.version);
  return {
    id: `${install.name}@${install.version}`,
    severity: major ? 'medium' : 'low',
    title: `${install.name} ${install.version} → ${newest}${major ? ' (new major version)' : ''}`,
    details: { name: install.name, installed: install.version, available: newest, locations: install.locations },
  };
}

function toInstalled(ecosystem: InstalledPackage['ecosystem']): (item: FoundPackage) => InstalledPackage {
  return (item) => ({
    ecosystem,
    name: item.name,
    version: item.version,
    qualifiers: { ...item.qualifiers, location: item.location },
    purl: item.purl,
  });
}

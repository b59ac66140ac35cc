import type { PackageChange } from './contracts/parts';

/** The `repo` values that name a language registry (the OSV ecosystem) rather than an RPM repo id. */
const REGISTRY_NAMES: ReadonlySet<string> = new Set(['PyPI', 'npm', 'RubyGems']);

/**
 * Whether `change` moves a package of a language registry (`repo` is `PyPI`, `npm` or
 * `RubyGems`, as OSV names the ecosystems), not an RPM.
 * @see https://ossf.github.io/osv-schema/#affectedpackage-field
 */
export function isRegistryChange(change: PackageChange): boolean {
  return change.repo !== undefined && REGISTRY_NAMES.has(change.repo);
}

/**
 * One package change as a cause or mail reads it: `openssl 3.0.7-24 → 3.0.7-25 in repo baseos`
 * for an RPM, `requests 2.25.0 → 2.31.0 (PyPI)` for a package of a language registry.
 * @see ./contracts/parts.ts (PackageChangeSchema)
 */
export function describePackageChange(change: PackageChange): string {
  const where = !change.repo ? '' : isRegistryChange(change) ? ` (${change.repo})` : ` in repo ${change.repo}`;
  return `${change.name} ${change.from} → ${change.to}${where}`;
}

import { normalizePythonName } from '../reports/purl';
import { PEP440_RULES, RPM_RULES, RUBYGEMS_RULES, SEMVER_RULES, type VersionRules } from '../versions/version-rules';

/** The OSV ecosystems ccp matches installed packages against (the part before any `:`). */
export const OSV_ECOSYSTEMS = ['Red Hat', 'AlmaLinux', 'Rocky Linux', 'PyPI', 'npm', 'RubyGems'] as const;
export type OsvEcosystem = (typeof OSV_ECOSYSTEMS)[number];

/** The kind of installed package an ecosystem describes, as {@link InstalledPackage} names it. */
export type PackageKind = 'rpm' | 'pypi' | 'npm' | 'gem';

interface EcosystemRules {
  kind: PackageKind;
  rules: VersionRules;
  /** The name as the index keys it: PyPI names compare normalized (PEP 503), the others exactly. */
  normalize(name: string): string;
}

const exact = (name: string): string => name;

const RULES: Record<OsvEcosystem, EcosystemRules> = {
  'Red Hat': { kind: 'rpm', rules: RPM_RULES, normalize: exact },
  AlmaLinux: { kind: 'rpm', rules: RPM_RULES, normalize: exact },
  'Rocky Linux': { kind: 'rpm', rules: RPM_RULES, normalize: exact },
  PyPI: { kind: 'pypi', rules: PEP440_RULES, normalize: normalizePythonName },
  npm: { kind: 'npm', rules: SEMVER_RULES, normalize: exact },
  RubyGems: { kind: 'gem', rules: RUBYGEMS_RULES, normalize: exact },
};

/**
 * `AlmaLinux:9` → `{ base: 'AlmaLinux', release: '9' }`; `Red Hat:enterprise_linux:9::baseos` →
 * release `9` (the first segment that is a version); `PyPI` → no release. `null` for an
 * ecosystem ccp does not read.
 * @see https://ossf.github.io/osv-schema/#affectedpackage-field
 */
export function parseEcosystem(ecosystem: string): { base: OsvEcosystem; release: string | null } | null {
  const [base, ...rest] = ecosystem.split(':');
  if (!(OSV_ECOSYSTEMS as readonly string[]).includes(base!)) return null;
  const release = rest.find((part) => /^\d+(\.\d+)*$/.test(part)) ?? null;
  return { base: base as OsvEcosystem, release };
}

/** How `ecosystem` (a base from {@link OSV_ECOSYSTEMS}) orders versions and names packages. */
export function ecosystemRules(ecosystem: OsvEcosystem): EcosystemRules {
  return RULES[ecosystem];
}

/**
 * The OSV ecosystem of an RPM-based image's distribution, from os-release `ID`: `rhel` is
 * Red Hat, `almalinux` AlmaLinux, `rocky` Rocky Linux; `null` for any other (CentOS Stream,
 * Fedora), whose packages OSV does not describe in these ecosystems.
 * @see https://www.freedesktop.org/software/systemd/man/latest/os-release.html#ID=
 */
export function rpmEcosystemOf(osRelease: Record<string, string>): OsvEcosystem | null {
  const id = (osRelease.ID ?? '').toLowerCase();
  return id === 'rhel' ? 'Red Hat' : id === 'almalinux' ? 'AlmaLinux' : id === 'rocky' ? 'Rocky Linux' : null;
}

/** The ecosystem whose advisories describe installed packages of `kind` (RPMs: see {@link rpmEcosystemOf}). */
export function languageEcosystemOf(kind: Exclude<PackageKind, 'rpm'>): Extract<OsvEcosystem, 'PyPI' | 'npm' | 'RubyGems'> {
  return kind === 'pypi' ? 'PyPI' : kind === 'npm' ? 'npm' : 'RubyGems';
}

/**
 * A store-key and file-name friendly form of an ecosystem: `Red Hat` → `red-hat`,
 * `AlmaLinux:9` → `almalinux-9`.
 */
export function ecosystemSlug(ecosystem: string): string {
  return ecosystem
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

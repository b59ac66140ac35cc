import type { PackageChange } from '../../../shared/events/types';
import { AdvisoryIndex } from '../../../shared/osv/advisory-index';
import { ecosystemRules, languageEcosystemOf, rpmEcosystemOf } from '../../../shared/osv/ecosystems';
import { fixStatus } from '../../../shared/osv/fix-status';
import type { RegistryEcosystem } from '../../../shared/package-registries/registry-lookup';
import { newestVersion, type RegistryVersions } from '../../../shared/package-registries/registry-versions';
import type { Advisory } from '../../../shared/osv/types';
import type { ImageState } from '../../../shared/reports/image-state';
import type { InstalledPackage } from '../../../shared/reports/scanner-types';

/** One repository an image configures, with the newest version of each package it carries (`name.arch` → EVR, the repo tracker's snapshot). */
export interface RepoPackages {
  /** The repo id the image gives it (`baseos`), for the cause. */
  id: string;
  packages: Readonly<Record<string, string>>;
}

/** What a refresh's advisories ask of one image: which of them affect it with a fix in reach, and the package moves that fix them. */
export interface ImageFixes {
  advisories: string[];
  packages: PackageChange[];
}

/** One question for a language registry: the versions of `name` in `ecosystem` (pre-releases too when an install is one). */
export interface RegistryQuestion {
  ecosystem: RegistryEcosystem;
  name: string;
  prereleases: boolean;
}

/** A registry's answers of one tick, by {@link registryKey}: `null` when it does not know the package or did not answer. */
export type RegistryAnswers = ReadonlyMap<string, RegistryVersions | null>;

/**
 * The key of a (registry ecosystem, package) pair: PyPI names normalized, so `Requests` and
 * `requests` are asked once.
 * @see https://peps.python.org/pep-0503/#normalized-names
 */
export function registryKey(ecosystem: RegistryEcosystem, name: string): string {
  return `${ecosystem}\u0000${ecosystemRules(ecosystem).normalize(name)}`;
}

/** An installed language package, once per (name, version) whatever the number of folders it sits in. */
interface LanguageInstall {
  ecosystem: RegistryEcosystem;
  name: string;
  version: string;
}

/** The image's pip, npm and gem installs (the scan's `pypi`, `npm`, `gem` packages), each (name, version) once. */
function languageInstalls(state: Pick<ImageState, 'packages'>): LanguageInstall[] {
  const installs = new Map<string, LanguageInstall>();
  for (const pkg of state.packages) {
    if (pkg.ecosystem !== 'pypi' && pkg.ecosystem !== 'npm' && pkg.ecosystem !== 'gem') continue;
    if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') continue;
    const ecosystem = languageEcosystemOf(pkg.ecosystem);
    const key = `${registryKey(ecosystem, pkg.name)}@${pkg.version}`;
    if (!installs.has(key)) installs.set(key, { ecosystem, name: pkg.name, version: pkg.version });
  }
  return [...installs.values()];
}

/**
 * What the registries must be asked for `state`: each pip, npm or gem package installed at a
 * version that an advisory of `index` affects and names a fix for (without a fix, no registry
 * can offer one). The caller asks each (ecosystem, package) once for all images.
 * @see https://ossf.github.io/osv-schema/#affectedranges-field
 */
export function registryQuestions(state: Pick<ImageState, 'packages'>, index: AdvisoryIndex): RegistryQuestion[] {
  const questions: RegistryQuestion[] = [];
  for (const install of languageInstalls(state)) {
    const matches = index.lookup(install);
    if (!matches.some((match) => match.fixed !== null)) continue;
    const { rules } = ecosystemRules(install.ecosystem);
    questions.push({ ecosystem: install.ecosystem, name: install.name, prereleases: rules.isPrerelease(install.version) });
  }
  return questions;
}

/** Package changes by name, then repo (or registry), then installed version: a cause reads the same whatever the order they were found in. */
export function packageOrder(a: PackageChange, b: PackageChange): number {
  return a.name < b.name
    ? -1
    : a.name > b.name
      ? 1
      : (a.repo ?? '') < (b.repo ?? '')
        ? -1
        : (a.repo ?? '') > (b.repo ?? '')
          ? 1
          : a.from < b.from
            ? -1
            : a.from > b.from
              ? 1
              : 0;
}

/** A language package an advisory affects in an image, with a fix its registry does not offer the install (yet). */
export interface UnreachableFix {
  advisory: Advisory;
  ecosystem: RegistryEcosystem;
  name: string;
}

/**
 * The pip, npm and gem installs of `state` that an advisory of `index` affects and names a fix
 * for, where the registry's answer (`registries`, by {@link registryKey}) does not reach it: the
 * newest version it offers the install is below the fix, or it was not asked (past the bound) or
 * did not answer. Each (advisory, package) once. These are the fixes that may ship later.
 * @see ../readme.md#rebuild-on-advisory
 */
export function unreachableLanguageFixes(state: Pick<ImageState, 'packages'>, index: AdvisoryIndex, registries: RegistryAnswers): UnreachableFix[] {
  const found = new Map<string, UnreachableFix>();
  for (const install of languageInstalls(state)) {
    const { rules } = ecosystemRules(install.ecosystem);
    const known = registries.get(registryKey(install.ecosystem, install.name));
    const newest = known ? (newestVersion(install.version, known, rules) ?? install.version) : install.version;
    for (const match of index.lookup(install)) {
      if (match.fixed === null || fixStatus(match.fixed, newest, rules) === 'fixable-now') continue;
      found.set(`${match.advisory.id}\u0000${registryKey(install.ecosystem, install.name)}`, {
        advisory: match.advisory,
        ecosystem: install.ecosystem,
        name: install.name,
      });
    }
  }
  return [...found.values()];
}

/** `distro=almalinux-9.4` of an rpm purl → `{ ID: 'almalinux', VERSION_ID: '9.4' }` (the scan writes `<ID>-<VERSION_ID>`). */
function osReleaseOf(purl: string): { ID: string; VERSION_ID?: string } | null {
  const query = purl.indexOf('?');
  if (query < 0) return null;
  const distro = new URLSearchParams(purl.slice(query + 1)).get('distro');
  const match = distro ? /^(.+?)-(\d[\w.]*)$/.exec(distro) : null;
  if (match) return { ID: match[1]!, VERSION_ID: match[2]! };
  return distro ? { ID: distro } : null;
}

/** `epoch:version-release` of an installed rpm, the epoch always written (as advisories' ranges compare). */
function installedEvr(pkg: InstalledPackage): string {
  return `${pkg.qualifiers?.epoch ?? '0'}:${pkg.version}${pkg.qualifiers?.release ? `-${pkg.qualifiers.release}` : ''}`;
}

/** `openssl-3.0.7-24.el9.src.rpm` → `openssl` (some advisories name the source package). */
function sourceName(sourcerpm: string | undefined): string | undefined {
  const match = sourcerpm ? /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourcerpm) : null;
  return match?.[1];
}

/** An index of just `advisories`: a refresh's few changes, not the 50,000 of the database. */
export function indexOf(advisories: readonly Advisory[]): AdvisoryIndex {
  const index = new AdvisoryIndex();
  for (const advisory of advisories) index.add(advisory);
  return index;
}

/**
 * The advisories of `index` that affect an RPM installed in the image (by its name or its
 * source package's, at its version, in the distribution its purl names) and whose fix the
 * image's own repositories carry now: the newest version in `repos` is at least the fix
 * ({@link fixStatus} is `fixable-now`, the scanner's very rule). Advisories without a fix, or
 * with a fix no repository has yet, give nothing: the repo poll rebuilds once the fix lands.
 * A pip, npm or gem package counts the same way against its registry (`registries`, asked by the
 * caller): the newest version the registry offers the install (not yanked, not deprecated, no
 * pre-release for a stable install: the update scanners' `newestVersion`) is at least the fix.
 * Its change names the registry's ecosystem as `repo` (`PyPI`, `npm`, `RubyGems`).
 * @see https://ossf.github.io/osv-schema/#affectedranges-field
 */
export function reachableFixes(
  state: Pick<ImageState, 'packages'>,
  index: AdvisoryIndex,
  repos: readonly RepoPackages[],
  registries: RegistryAnswers = new Map(),
): ImageFixes {
  const advisories = new Set<string>();
  const packages = new Map<string, PackageChange>();
  for (const pkg of state.packages) {
    if (pkg.ecosystem !== 'rpm') continue;
    const osRelease = osReleaseOf(pkg.purl);
    const ecosystem = osRelease ? rpmEcosystemOf(osRelease) : null;
    if (!ecosystem) continue;
    const { rules } = ecosystemRules(ecosystem);
    const version = installedEvr(pkg);
    const query = { ecosystem, version, ...(osRelease?.VERSION_ID ? { release: osRelease.VERSION_ID } : {}) };
    const source = sourceName(pkg.qualifiers?.sourcerpm);
    const matches = [...index.lookup({ ...query, name: pkg.name }), ...(source && source !== pkg.name ? index.lookup({ ...query, name: source }) : [])];
    if (matches.length === 0) continue;
    const label = `${pkg.name}.${pkg.qualifiers?.arch ?? 'noarch'}`;
    let newest: { evr: string; repo: string } | null = null;
    for (const repo of repos) {
      const evr = repo.packages[label];
      if (evr !== undefined && (newest === null || rules.compare(evr, newest.evr) > 0)) newest = { evr, repo: repo.id };
    }
    for (const match of matches) {
      if (fixStatus(match.fixed, newest?.evr ?? null, rules) !== 'fixable-now') continue;
      advisories.add(match.advisory.id);
      const from = version.replace(/^0:/, '');
      packages.set(label, { name: pkg.name, from, to: newest!.evr, repo: newest!.repo });
    }
  }
  for (const install of languageInstalls(state)) {
    const matches = index.lookup(install);
    const known = matches.length > 0 ? registries.get(registryKey(install.ecosystem, install.name)) : null;
    if (!known) continue;
    const { rules } = ecosystemRules(install.ecosystem);
    const newest = newestVersion(install.version, known, rules) ?? install.version;
    for (const match of matches) {
      if (fixStatus(match.fixed, newest, rules) !== 'fixable-now') continue;
      advisories.add(match.advisory.id);
      packages.set(`${install.ecosystem}\u0000${install.name}@${install.version}`, {
        name: install.name,
        from: install.version,
        to: newest,
        repo: install.ecosystem,
      });
    }
  }
  return { advisories: [...advisories].sort(), packages: [...packages.values()].sort(packageOrder) };
}

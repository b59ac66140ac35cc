import { lazyPackage } from '../lazy/packages';
import { compareEvr, parseEvr, type Evr } from '../rpm/rpmvercmp';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by the first comparison, see lazyPackage */
const pep440 = lazyPackage(() => require('@renovatebot/pep440') as typeof import('@renovatebot/pep440'));
const rubySemver = lazyPackage(() => require('@renovatebot/ruby-semver') as typeof import('@renovatebot/ruby-semver'));
const semver = lazyPackage(() => require('semver') as typeof import('semver'));
/* eslint-enable @typescript-eslint/no-require-imports */

/** How one ecosystem orders its versions. */
export interface VersionRules {
  /** Name of the rules, for the report: `PEP 440`, `semver`, `RubyGems`. */
  name: string;
  valid(version: string): boolean;
  isPrerelease(version: string): boolean;
  /** Negative, zero or positive as `a` is older, the same or newer than `b`. */
  compare(a: string, b: string): number;
  major(version: string): number;
}

/**
 * PEP 440 (Python): epochs, `rc`/`a`/`b` pre-releases, `.dev` and `.post` releases.
 * @see https://peps.python.org/pep-0440/
 */
export const PEP440_RULES: VersionRules = {
  name: 'PEP 440',
  valid: (version) => pep440().valid(version) !== null,
  isPrerelease: (version) => {
    const parsed = pep440().explain(version);
    return parsed ? parsed.is_prerelease || parsed.is_devrelease : false;
  },
  compare: (a, b) => pep440().compare(a, b),
  major: (version) => pep440().major(version),
};

/**
 * semver 2.0 (npm), without loose parsing, so a malformed `package.json` version is not guessed.
 * @see https://semver.org/
 */
export const SEMVER_RULES: VersionRules = {
  name: 'semver',
  valid: (version) => semver().valid(version) !== null,
  isPrerelease: (version) => (semver().prerelease(version)?.length ?? 0) > 0,
  compare: (a, b) => semver().compare(a, b),
  major: (version) => semver().major(version),
};

/**
 * RubyGems' `Gem::Version`: segments compared one by one, a letter makes a pre-release
 * (`1.0.0.pre`, `2.0.0.rc1`).
 * @see https://guides.rubygems.org/patterns/#semantic-versioning
 */
export const RUBYGEMS_RULES: VersionRules = {
  name: 'RubyGems',
  valid: (version) => rubySemver().valid(version) !== null,
  isPrerelease: (version) => rubySemver().prerelease(version) !== null,
  compare: (a, b) => (rubySemver().eq(a, b) ? 0 : rubySemver().gt(a, b) ? 1 : -1),
  major: (version) => rubySemver().major(version),
};

/**
 * RPM `[epoch:]version-release`, compared as rpm does (epoch first, a missing epoch is 0, then
 * rpmvercmp on version and release; {@link compareEvr}). Every string is an RPM version; there are no
 * pre-releases (`~` only sorts earlier) and the major version is the epoch.
 * @see https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning
 */
export const RPM_RULES: VersionRules = {
  name: 'rpm',
  valid: (version) => version.length > 0 && !/\s/.test(version),
  isPrerelease: () => false,
  compare: (a, b) => (a === b ? 0 : compareEvr(parsedEvr(a), parsedEvr(b))),
  major: (version) => parsedEvr(version).epoch,
};

/** Parsed EVRs by text: advisory ranges repeat the same few versions across many look-ups. */
const EVR_CACHE = new Map<string, Evr>();
const EVR_CACHE_SIZE = 100_000;

function parsedEvr(text: string): Evr {
  let evr = EVR_CACHE.get(text);
  if (!evr) {
    // Dropped whole when full: simpler than an LRU, and a scan's working set refills it at once.
    if (EVR_CACHE.size >= EVR_CACHE_SIZE) EVR_CACHE.clear();
    evr = parseEvr(text);
    EVR_CACHE.set(text, evr);
  }
  return evr;
}

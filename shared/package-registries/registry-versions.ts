import type { VersionRules } from '../versions/version-rules';

/** What a registry knows of a package: its installable versions and, maybe, the one it calls latest. */
export interface RegistryVersions {
  versions: string[];
  /** The registry's own "latest" (npm's `dist-tags.latest`, rubygems' latest.json): wins for stable installs. */
  latest?: string;
}

/**
 * The newest version worth offering to an install of `installed`: pre-releases only when the
 * installed one is a pre-release; for a stable install the registry's own `latest` wins over
 * the highest number (npm's dist-tag, which a maintainer may hold back). `null` when nothing is
 * newer. Both the update scanners and the fix-in-reach checks (the vulnerabilities scanner,
 * rebuild on advisory) use it, so "update available" and "fixable now" agree.
 * @see https://peps.python.org/pep-0440/#handling-of-pre-releases
 */
export function newestVersion(installed: string, known: RegistryVersions, rules: VersionRules): string | null {
  const prereleases = rules.isPrerelease(installed);
  const allowed = (version: string): boolean => rules.valid(version) && (prereleases || !rules.isPrerelease(version));
  let newest: string | null = null;
  if (!prereleases && known.latest && allowed(known.latest)) {
    newest = known.latest;
  } else {
    for (const version of [...known.versions, ...(known.latest ? [known.latest] : [])]) {
      if (allowed(version) && (newest === null || rules.compare(version, newest) > 0)) newest = version;
    }
  }
  return newest !== null && rules.compare(newest, installed) > 0 ? newest : null;
}

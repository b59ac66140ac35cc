import type { VersionRules } from '../versions/version-rules';

import type { FixStatus } from '../reports/vulnerabilities';

/**
 * `fixable-now` when the newest version the image could move to (`available`, from its own
 * repositories or registry) is at least the advisory's `fixed` version; `fix-upstream-only` when
 * a fix exists but is not within reach (or reach is unknown: `available` null); `no-fix` when the
 * advisory names none. One rule for the `vulnerabilities` scanner and the rebuild-on-advisory
 * trigger, so a report's "fixable now" and a rebuild always agree.
 * @see https://ossf.github.io/osv-schema/#affectedranges-field
 */
export function fixStatus(fixed: string | null, available: string | null, rules: VersionRules): FixStatus {
  if (fixed === null) return 'no-fix';
  return available !== null && rules.valid(fixed) && rules.compare(available, fixed) >= 0 ? 'fixable-now' : 'fix-upstream-only';
}

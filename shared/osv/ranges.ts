import type { VersionRules } from '../versions/version-rules';
import type { AffectedPackage, AffectedRange, RangeEvent } from './types';

/** How an installed version stands against one affected package entry. */
export interface RangeVerdict {
  /** The lowest version that leaves every matching range, or `null` when a range has no fix (open, or ends in `last_affected`). */
  fixed: string | null;
}

interface SortedEvent {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

/** Sorted events per range, computed once: a database is read far more often than loaded. */
const sortedCache = new WeakMap<AffectedRange, SortedEvent[] | null>();

function eventOf(event: RangeEvent): SortedEvent {
  const [kind, version] = Object.entries(event)[0] as [SortedEvent['kind'], string];
  return { kind, version };
}

/** `introduced: 0` sorts before every version; `limit: *` after. */
function compareEvents(rules: VersionRules): (a: SortedEvent, b: SortedEvent) => number {
  const rank = (event: SortedEvent): number =>
    event.kind === 'introduced' && event.version === '0' ? -1 : event.kind === 'limit' && event.version === '*' ? 1 : 0;
  return (a, b) => rank(a) - rank(b) || (rank(a) === 0 ? rules.compare(a.version, b.version) : 0);
}

/** The range's events in version order, or `null` when one of them is no version of these rules. */
function sortedEvents(range: AffectedRange, rules: VersionRules): SortedEvent[] | null {
  if (sortedCache.has(range)) return sortedCache.get(range)!;
  const events = range.events.map(eventOf);
  const usable = events.every(
    (event) => (event.kind === 'introduced' && event.version === '0') || (event.kind === 'limit' && event.version === '*') || rules.valid(event.version),
  );
  const sorted = usable ? [...events].sort(compareEvents(rules)) : null;
  sortedCache.set(range, sorted);
  return sorted;
}

/**
 * Whether `version` is in `range`, by the OSV evaluation: walking the events in version order,
 * an `introduced` at or below the version opens the range, a `fixed` at or below it closes it,
 * a `last_affected` below it closes it; `limit` events cap the range from above. With the
 * verdict, the `fixed` event that follows the version (the fix for it), if any.
 * @see https://ossf.github.io/osv-schema/#evaluation
 */
export function inRange(range: AffectedRange, version: string, rules: VersionRules): RangeVerdict | null {
  const events = sortedEvents(range, rules);
  if (!events) return null;
  let affected = false;
  let next: SortedEvent | undefined;
  for (const event of events) {
    const atOrBelow = event.kind === 'introduced' && event.version === '0' ? true : event.kind === 'limit' ? false : rules.compare(event.version, version) <= 0;
    if (event.kind === 'introduced' && atOrBelow) affected = true;
    else if (event.kind === 'fixed' && atOrBelow) affected = false;
    else if (event.kind === 'last_affected' && rules.compare(event.version, version) < 0) affected = false;
    else if (!atOrBelow && event.kind !== 'limit' && event.kind !== 'introduced') next ??= event;
  }
  if (!affected) return null;
  const limits = events.filter((event) => event.kind === 'limit');
  if (limits.length > 0 && !limits.some((limit) => limit.version === '*' || rules.compare(version, limit.version) < 0)) return null;
  return { fixed: next?.kind === 'fixed' ? next.version : null };
}

/**
 * Whether `version` of an installed package is affected by one `affected[]` entry: in one of
 * its ranges, or one of its exact `versions`. The fix is the highest of the matching ranges'
 * fixes (a version must leave every range that holds it), `null` when any matching range has
 * none or only the `versions` list matched. `null` when not affected.
 * @see https://ossf.github.io/osv-schema/#affectedversions-field
 */
export function affects(entry: AffectedPackage, version: string, rules: VersionRules): RangeVerdict | null {
  const verdicts = entry.ranges.map((range) => inRange(range, version, rules)).filter((verdict): verdict is RangeVerdict => verdict !== null);
  if (verdicts.length === 0) {
    const listed = entry.versions.some((listedVersion) => rules.valid(listedVersion) && rules.compare(listedVersion, version) === 0);
    return listed ? { fixed: null } : null;
  }
  if (verdicts.some((verdict) => verdict.fixed === null)) return { fixed: null };
  const fixes = verdicts.map((verdict) => verdict.fixed!);
  return { fixed: fixes.reduce((highest, fix) => (rules.compare(fix, highest) > 0 ? fix : highest)) };
}

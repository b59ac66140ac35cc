import type { Advisory } from '../../../shared/osv/types';

/** Advisory id → its record's `modified` time: what the last refresh saw. */
export type AdvisoryStamps = Record<string, string>;

/** The stamps of `advisories`; an id in two exports keeps its first record, as the advisory index does. */
export function advisoryStamps(advisories: readonly Advisory[]): AdvisoryStamps {
  const stamps: AdvisoryStamps = {};
  for (const advisory of advisories) if (!Object.hasOwn(stamps, advisory.id)) stamps[advisory.id] = advisory.modified;
  return stamps;
}

/**
 * The ids of `current` that `previous` lacks (new) or saw with another `modified` time
 * (changed: a fix added, a range widened), sorted. Ids gone from `current` (withdrawn, removed)
 * are not changes: an advisory taken back rebuilds nothing.
 * @see https://ossf.github.io/osv-schema/#modified-field
 */
export function changedAdvisoryIds(previous: AdvisoryStamps, current: AdvisoryStamps): string[] {
  return Object.keys(current)
    .filter((id) => previous[id] !== current[id])
    .sort();
}

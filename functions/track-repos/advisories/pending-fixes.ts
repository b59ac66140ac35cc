import { ecosystemRules, parseEcosystem } from '../../../shared/osv/ecosystems';
import type { Advisory } from '../../../shared/osv/types';
import { isRegistryEcosystem, type RegistryEcosystem } from '../../../shared/package-registries/registry-lookup';
import type { AdvisoryStamps } from './advisory-diff';
import { registryKey, type UnreachableFix } from './reachable-fixes';

/**
 * At most this many pending fixes are kept: an advisory that touches a package thousands of
 * images install must not grow the snapshot without end. The oldest go first (and are logged);
 * the weekly rescan still reports them as `fix-upstream-only`.
 */
export const MAX_PENDING_FIXES = 2000;

/**
 * An (advisory, image, package) whose fix was not on the package's registry when the advisory
 * was diffed: every refresh tick asks the registry again, and rebuilds the image once it is.
 * @see ../readme.md#rebuild-on-advisory
 */
export interface PendingFix {
  /** The advisory cut to this package's entries: enough to match the image again without reading the exports. */
  advisory: Advisory;
  /** `app-id/job-id:tag`, as the index names it. */
  image: string;
  ecosystem: RegistryEcosystem;
  name: string;
  /** When the fix was first found missing (ISO 8601): the age that {@link expirePending} goes by. */
  since: string;
}

/**
 * Whether a `pending` entry read back from the snapshot has the shape this code wrote: one that
 * does not (a hand edit, an older format) is left out rather than break every tick.
 */
export function isPendingFix(value: unknown): value is PendingFix {
  if (typeof value !== 'object' || value === null) return false;
  const fix = value as Partial<Record<keyof PendingFix, unknown>>;
  const advisory = fix.advisory as Partial<Record<keyof Advisory, unknown>> | null | undefined;
  return (
    typeof fix.image === 'string' &&
    typeof fix.name === 'string' &&
    typeof fix.since === 'string' &&
    typeof fix.ecosystem === 'string' &&
    isRegistryEcosystem(fix.ecosystem) &&
    typeof advisory === 'object' &&
    advisory !== null &&
    typeof advisory.id === 'string' &&
    typeof advisory.modified === 'string' &&
    typeof advisory.summary === 'string' &&
    Array.isArray(advisory.aliases) &&
    Array.isArray(advisory.severity) &&
    Array.isArray(advisory.affected)
  );
}

/** One pending fix per (advisory, image, package): PyPI names normalized, as the registries are asked. */
export function pendingFixKey(fix: Pick<PendingFix, 'image' | 'ecosystem' | 'name'> & { advisory: Pick<Advisory, 'id'> }): string {
  return `${fix.advisory.id}\u0000${fix.image}\u0000${registryKey(fix.ecosystem, fix.name)}`;
}

/**
 * `advisory` with only its `affected` entries for `name` in `ecosystem` (any release), and no
 * severity: a snapshot with a thousand pending fixes stays small, and matching it again finds
 * only the package it is pending for.
 */
export function advisoryFor(advisory: Advisory, ecosystem: RegistryEcosystem, name: string): Advisory {
  const { normalize } = ecosystemRules(ecosystem);
  return {
    id: advisory.id,
    aliases: advisory.aliases,
    summary: advisory.summary,
    modified: advisory.modified,
    severity: [],
    affected: advisory.affected.filter((entry) => parseEcosystem(entry.ecosystem)?.base === ecosystem && normalize(entry.name) === normalize(name)),
  };
}

/** The pending fixes an image's unreachable fixes make, first seen `since`. */
export function pendingFixesOf(image: string, fixes: readonly UnreachableFix[], since: string): PendingFix[] {
  return fixes.map((fix) => ({ advisory: advisoryFor(fix.advisory, fix.ecosystem, fix.name), image, ecosystem: fix.ecosystem, name: fix.name, since }));
}

/**
 * Splits `pending` into those younger than `maxAgeMs` at `now` and those older: a fix that has
 * not shipped in that time is left to the weekly rescan. An unreadable `since` counts as expired.
 */
export function expirePending(pending: readonly PendingFix[], now: Date, maxAgeMs: number): { kept: PendingFix[]; expired: PendingFix[] } {
  const kept: PendingFix[] = [];
  const expired: PendingFix[] = [];
  for (const fix of pending) {
    const since = Date.parse(fix.since);
    (Number.isFinite(since) && now.getTime() - since < maxAgeMs ? kept : expired).push(fix);
  }
  return { kept, expired };
}

/**
 * Splits `pending` by what the refreshed database (`stamps`: id → `modified`) says of each
 * advisory: gone (withdrawn or removed: never rebuilt for), changed (another `modified`: the diff
 * matches it again and pends it anew), or as it was (kept).
 */
export function reconcilePending(
  pending: readonly PendingFix[],
  stamps: AdvisoryStamps,
): { kept: PendingFix[]; withdrawn: PendingFix[]; changed: PendingFix[] } {
  const kept: PendingFix[] = [];
  const withdrawn: PendingFix[] = [];
  const changed: PendingFix[] = [];
  for (const fix of pending) {
    const modified = Object.hasOwn(stamps, fix.advisory.id) ? stamps[fix.advisory.id] : undefined;
    (modified === undefined ? withdrawn : modified === fix.advisory.modified ? kept : changed).push(fix);
  }
  return { kept, withdrawn, changed };
}

/**
 * `kept` and `added` together, one per {@link pendingFixKey}: an added fix already pending (or
 * pending before its advisory changed: `earlier`) keeps its first `since` and takes the newer
 * record. Sorted oldest first; past `max`, the oldest are `dropped`.
 */
export function mergePending(
  kept: readonly PendingFix[],
  added: readonly PendingFix[],
  max: number,
  earlier: readonly PendingFix[] = [],
): { pending: PendingFix[]; dropped: PendingFix[] } {
  const firstSeen = new Map<string, string>();
  for (const fix of [...earlier, ...kept]) {
    const known = firstSeen.get(pendingFixKey(fix));
    if (known === undefined || fix.since < known) firstSeen.set(pendingFixKey(fix), fix.since);
  }
  const merged = new Map<string, PendingFix>();
  for (const fix of [...kept, ...added]) {
    const key = pendingFixKey(fix);
    merged.set(key, { ...fix, since: firstSeen.get(key) ?? fix.since });
  }
  const sorted = [...merged.entries()]
    .sort(([keyA, a], [keyB, b]) => (a.since < b.since ? -1 : a.since > b.since ? 1 : keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
    .map(([, fix]) => fix);
  const cut = Math.max(0, sorted.length - max);
  return { pending: sorted.slice(cut), dropped: sorted.slice(0, cut) };
}

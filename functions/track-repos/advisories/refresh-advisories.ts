import { shortHash } from '../../../shared/cascade/keys';
import type { OsvAdvisoryChangedData } from '../../../shared/events/contracts/osv-advisory-changed';
import { imageName, parseImageName, type ProjectRef } from '../../../shared/index/types';
import type { Logger } from '../../../shared/log/logger';
import { advisoryChangeStamps } from '../../../shared/osv/change-stamps';
import { readAdvisories, readStoredExports } from '../../../shared/osv/database';
import { ecosystemSlug } from '../../../shared/osv/ecosystems';
import { refreshOsvExports, type OsvSourceState, type RefreshOutcome } from '../../../shared/osv/mirror';
import type { AdvisoryIndex } from '../../../shared/osv/advisory-index';
import type { Advisory } from '../../../shared/osv/types';
import type { PackageChange } from '../../../shared/events/types';
import { PackageRegistryClient, RegistryUnreachableError } from '../../../shared/package-registries/registry-client';
import { registryVersions, type RegistryUrls } from '../../../shared/package-registries/registry-lookup';
import type { RegistryVersions } from '../../../shared/package-registries/registry-versions';
import { readImageState, type ImageState } from '../../../shared/reports/image-state';
import { Semaphore } from '../../../shared/runtime/semaphore';
import type { RepoUsage } from '../../../shared/rpm/repo-usage';
import { PreconditionFailedError } from '../../../shared/store/errors';
import { imageStateKey, osvAdvisorySnapshotKey, osvSourceKey, parseImageStateKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { pollRepo } from '../repos/poll-repo';
import { repoKeyOf } from '../repos/repo-key';
import { baseUrlOf } from '../repos/tracked-repos';
import { readRepoState } from '../repos/repo-state-store';
import type { RepoHttp } from '../repos/types';
import { advisoryStamps, changedAdvisoryIds, type AdvisoryStamps } from './advisory-diff';
import { expirePending, isPendingFix, MAX_PENDING_FIXES, mergePending, pendingFixesOf, reconcilePending, type PendingFix } from './pending-fixes';
import {
  indexOf,
  packageOrder,
  reachableFixes,
  registryKey,
  registryQuestions,
  unreachableLanguageFixes,
  type RegistryAnswers,
  type RegistryQuestion,
  type RepoPackages,
} from './reachable-fixes';

/**
 * At most this many registry questions (one per ecosystem and package) per refresh: a database
 * change that touches thousands of installed packages must not turn one tick into thousands of
 * requests. The rest (in key order) count as not reachable this time; the scan reports them.
 */
export const MAX_REGISTRY_QUERIES = 200;

/** How long a pending fix is asked about when the settings say nothing (`CCP_OSV_PENDING_MAX_AGE_HOURS`'s default: 30 days). */
export const DEFAULT_PENDING_MAX_AGE_HOURS = 720;

/** `state/osv/advisories.json`: what the last refresh tick diffed. */
export interface AdvisorySnapshot {
  format: 'ccp.osv-advisories/v1';
  /** Ecosystem → sha256 of the stored export the stamps were read from: the same exports, nothing to diff. */
  exports: Record<string, string>;
  advisories: AdvisoryStamps;
  takenAt: string;
  /**
   * The (advisory, image, package) whose fix the package's registry did not offer yet: asked
   * about again on every tick, oldest first. Absent: none.
   */
  pending?: PendingFix[];
  /** The event the last change produced, re-emitted when the same tick is redelivered. */
  lastChange?: { tick: string; eventId: string; data: OsvAdvisoryChangedData };
}

/**
 * What a refresh came to: `disabled` (no mirror configured), `unchanged` (every export as
 * diffed last time: a 304, or nothing new), `recorded` (the first refresh: the snapshot only),
 * `quiet` (new or changed advisories, none with a fix an image can take), `changed` (`event`
 * to emit), `conflict` (another handler wrote the snapshot first and emits).
 */
export interface AdvisoryRefreshOutcome {
  status: 'disabled' | 'unchanged' | 'recorded' | 'quiet' | 'changed' | 'conflict';
  refresh: RefreshOutcome[];
  changedAdvisories: string[];
  /** Language registry questions asked (one per ecosystem and package), and those left out past the bound. */
  registryQueries?: { asked: number; skipped: number };
  /** The pending fixes: how many are kept after this tick, were asked about again, shipped (rebuild), were added. */
  pending?: { size: number; rechecked: number; shipped: number; added: number };
  event?: { id: string; data: OsvAdvisoryChangedData };
}

export interface RefreshAdvisoriesOptions {
  store: ObjectStore;
  http: RepoHttp;
  log: Logger;
  /** Id of the tick being handled: its change is re-emitted when it is redelivered. */
  tick: string;
  /** The mirrors, ecosystems and how long a pending fix is asked about ({@link DEFAULT_PENDING_MAX_AGE_HOURS} by default). */
  osv: { urls: string[]; ecosystems: string[]; pendingMaxAgeHours?: number };
  /** Bound on pending fixes kept; {@link MAX_PENDING_FIXES} by default. */
  maxPendingFixes?: number;
  /** The language registries (`scan.registries`), reached through `http` as the update scanners reach them. */
  registries: RegistryUrls;
  /** Bound on registry questions per refresh; {@link MAX_REGISTRY_QUERIES} by default. */
  maxRegistryQueries?: number;
  now?: () => Date;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<{ value: T | null; etag: string } | null> {
  const stored = await store.get(key);
  if (!stored) return null;
  try {
    return { value: JSON.parse(stored.body.toString('utf8')) as T, etag: stored.etag };
  } catch {
    return { value: null, etag: stored.etag };
  }
}

/** The sha256 of each stored export (from its `source.json`); ecosystems never fetched are absent. */
async function exportDigests(store: ObjectStore, ecosystems: string[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const ecosystem of ecosystems) {
    const source = await readJson<OsvSourceState>(store, osvSourceKey(ecosystemSlug(ecosystem)));
    if (source?.value?.sha256) digests[ecosystem] = source.value.sha256;
  }
  return digests;
}

const sameDigests = (a: Record<string, string>, b: Record<string, string>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The packages of each repository `state`'s image uses, from the repo tracker's snapshots
 * (`state/repos/<key>.json`); a repository never polled is polled now (its first poll only
 * records), so an image scanned since the last repo poll is not missed.
 */
async function reposOf(state: ImageState, options: RefreshAdvisoriesOptions, cache: Map<string, Promise<RepoPackages | null>>): Promise<RepoPackages[]> {
  const found: RepoPackages[] = [];
  for (const usage of state.repos as Partial<RepoUsage>[]) {
    if (typeof usage !== 'object' || usage === null) continue;
    const url = baseUrlOf(usage);
    if (!url) continue;
    const key = repoKeyOf(url);
    const id = String(usage.id ?? key);
    let loading = cache.get(key);
    if (!loading) {
      loading = (async () => {
        let snapshot = (await readRepoState(options.store, key))?.state?.snapshot;
        if (!snapshot) {
          await pollRepo({ key, name: id, url, images: [imageName(state.project)] }, options);
          snapshot = (await readRepoState(options.store, key))?.state?.snapshot;
        }
        return snapshot ? { id, packages: snapshot.packages } : null;
      })();
      cache.set(key, loading);
    }
    const repo = await loading;
    if (repo) found.push(repo);
  }
  return found;
}

/**
 * Asks each (ecosystem, package) of `questions` once, in key order, at most `bound` of them (the
 * rest are counted as skipped), with one client for the tick: the scanners' URL rewrites and
 * request time limit, a few requests at a time. A registry that does not answer is logged and
 * its packages count as without a reachable fix.
 */
async function askRegistries(
  questions: RegistryQuestion[],
  options: RefreshAdvisoriesOptions,
): Promise<{ answers: RegistryAnswers; asked: number; skipped: number }> {
  const merged = new Map<string, RegistryQuestion>();
  for (const question of questions) {
    const key = registryKey(question.ecosystem, question.name);
    const known = merged.get(key);
    merged.set(key, known ? { ...known, prereleases: known.prereleases || question.prereleases } : question);
  }
  const keys = [...merged.keys()].sort();
  const bound = options.maxRegistryQueries ?? MAX_REGISTRY_QUERIES;
  const asked = keys.slice(0, bound);
  if (keys.length > bound) options.log.warn('registry questions past the bound left out', { asked: bound, skipped: keys.length - bound });
  const client = new PackageRegistryClient(options.http);
  const answers = new Map<string, RegistryVersions | null>();
  await Promise.all(
    asked.map(async (key) => {
      const question = merged.get(key)!;
      try {
        answers.set(key, await registryVersions(client, options.registries, question.ecosystem, question.name, question.prereleases));
      } catch (error) {
        if (!(error instanceof RegistryUnreachableError)) throw error;
        options.log.warn('registry unreachable: its fixes count as not reachable', { ecosystem: question.ecosystem, error: error.message });
        answers.set(key, null);
      }
    }),
  );
  return { answers, asked: asked.length, skipped: keys.length - asked.length };
}

/** Image states read at once per tick: a store round trip each, so not one after another. */
const STATE_READS = 16;

/** The states of `refs`, read {@link STATE_READS} at a time, by image name; a missing, unreadable or malformed one (or one naming another image) is left out. */
async function readStates(store: ObjectStore, refs: readonly ProjectRef[]): Promise<Map<string, ImageState>> {
  const limit = new Semaphore(STATE_READS);
  // A name that makes no store key (a pending fix's image, from the snapshot) has no state; a store that fails still fails the tick.
  const keyed = refs.filter((ref) => {
    try {
      return imageStateKey(ref) !== '';
    } catch {
      return false;
    }
  });
  const read = await Promise.all(keyed.map((ref) => limit.run(async () => ({ name: imageName(ref), state: await readImageState(store, ref) }))));
  const states = new Map<string, ImageState>();
  for (const { name, state } of read) if (isImageState(state) && imageName(state.project) === name) states.set(name, state);
  return states;
}

/** Every built image's state (`state/images/…`) by image name. */
async function imageStates(store: ObjectStore): Promise<Map<string, ImageState>> {
  const { objects } = await store.list('state/images/');
  return readStates(
    store,
    objects.map(({ key }) => parseImageStateKey(key)).filter((ref): ref is ProjectRef => ref !== null),
  );
}

/**
 * The states of just `images` (the pending fixes' images when no advisory changed: an hourly
 * tick reads a few states, not every image's). A name that is no image's is left out: its
 * pending fixes count as gone.
 */
async function statesOf(store: ObjectStore, images: Iterable<string>): Promise<Map<string, ImageState>> {
  return readStates(
    store,
    [...new Set(images)].map((name) => parseImageName(name)).filter((ref): ref is ProjectRef => ref !== null),
  );
}

const isImageState = (state: ImageState | null | undefined): state is ImageState =>
  !!state && typeof state.project === 'object' && state.project !== null && Array.isArray(state.packages) && Array.isArray(state.repos);

type ImageChange = OsvAdvisoryChangedData['images'][number];
type AdvisoryRef = OsvAdvisoryChangedData['advisories'][number];

/** The images of `changes` (one image may come from the diff and from a pending fix), each once, sorted by name. */
function mergeImages(changes: readonly ImageChange[]): ImageChange[] {
  const byImage = new Map<string, { advisories: Set<string>; packages: Map<string, PackageChange> }>();
  for (const change of changes) {
    const merged = byImage.get(change.image) ?? { advisories: new Set<string>(), packages: new Map<string, PackageChange>() };
    for (const id of change.advisories) merged.advisories.add(id);
    for (const pkg of change.packages) merged.packages.set(`${pkg.name}\u0000${pkg.repo ?? ''}\u0000${pkg.from}\u0000${pkg.to}`, pkg);
    byImage.set(change.image, merged);
  }
  return [...byImage.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([image, merged]) => ({ image, advisories: [...merged.advisories].sort(), packages: [...merged.packages.values()].sort(packageOrder) }));
}

const refOf = (advisory: Advisory): AdvisoryRef => ({ id: advisory.id, modified: advisory.modified, aliases: advisory.aliases, summary: advisory.summary });

/** At most this many pending fixes are named in one log line. */
const LOGGED_FIXES = 20;
const described = (fixes: readonly PendingFix[]): string[] =>
  fixes.slice(0, LOGGED_FIXES).map((fix) => `${fix.advisory.id} ${fix.image} ${fix.ecosystem}/${fix.name} (since ${fix.since})`);

/** A pending fix to ask about again: its image's state, the advisory's own index, what its registry must be asked. */
interface Recheck {
  fix: PendingFix;
  state: ImageState;
  index: AdvisoryIndex;
  questions: RegistryQuestion[];
}

/**
 * One refresh tick of the OSV database: the exports are fetched again (conditional requests: a
 * 304 leaves them as they are), and when a stored export differs from the one last diffed, its
 * advisories' ids and `modified` times are compared with `state/osv/advisories.json`. The new
 * and changed advisories are matched against every built image's state (`state/images/…`) and
 * the packages its repositories carry; those with a fix in reach of some image make one
 * `osv.advisory-changed` for the whole refresh (so an image two advisories touch rebuilds once).
 * A pip, npm or gem package an advisory affects whose fix its registry does not offer yet is
 * kept pending in the snapshot and asked about again on every tick, the exports changed or not;
 * once the registry offers the fix, its image rebuilds (in the tick's one event), and the fix
 * leaves the list, as it does when the advisory is withdrawn, the image no longer has the
 * package at an affected version or is gone, after `pendingMaxAgeHours`, or past
 * {@link MAX_PENDING_FIXES} (the oldest). The event id hashes the advisories' ids and times and
 * the package moves. The snapshot is written conditionally, with the change, before anything is
 * emitted: a redelivered tick re-emits the same event, a later tick finds nothing new. The first
 * refresh only records.
 * @see ../readme.md#rebuild-on-advisory
 */
export async function refreshAdvisories(options: RefreshAdvisoriesOptions): Promise<AdvisoryRefreshOutcome> {
  const { store, log, osv } = options;
  const now = options.now ?? (() => new Date());
  if (osv.urls.length === 0) return { status: 'disabled', refresh: [], changedAdvisories: [] };
  const refresh = await refreshOsvExports(store, {
    urls: osv.urls,
    ecosystems: osv.ecosystems,
    timeoutMs: options.http.timeoutMs,
    rewriteUrl: options.http.rewriteUrl,
    minIntervalMs: 0,
  });
  const stored = await readJson<AdvisorySnapshot>(store, osvAdvisorySnapshotKey());
  const previous = stored?.value ?? null;
  if (previous?.lastChange?.tick === options.tick) {
    return {
      status: 'changed',
      refresh,
      changedAdvisories: previous.lastChange.data.advisories.map((advisory) => advisory.id),
      event: { id: previous.lastChange.eventId, data: previous.lastChange.data },
    };
  }
  const digests = await exportDigests(store, osv.ecosystems);
  const previousPending = Array.isArray(previous?.pending) ? previous.pending.filter(isPendingFix) : [];
  const exportsUnchanged = previous !== null && sameDigests(previous.exports, digests);
  // The cheap path: the same exports and nothing pending is nothing to do, not even a read of the images.
  if (exportsUnchanged && previousPending.length === 0) return { status: 'unchanged', refresh, changedAdvisories: [] };

  let stamps: AdvisoryStamps = previous?.advisories ?? {};
  let changedIds: string[] = [];
  let changed: Advisory[] = [];
  if (!exportsUnchanged) {
    const { exports } = await readStoredExports(store, osv.ecosystems);
    const { advisories, stats } = await readAdvisories(exports);
    if (stats.invalid > 0) log.warn('OSV records skipped', { invalid: stats.invalid, errors: stats.errors });
    stamps = advisoryStamps(advisories);
    changedIds = previous ? changedAdvisoryIds(previous.advisories, stamps) : [];
    const byId = new Map<string, Advisory>();
    for (const advisory of advisories) if (!byId.has(advisory.id)) byId.set(advisory.id, advisory);
    changed = changedIds.map((id) => byId.get(id)!);
  }
  const at = now();

  // The pending fixes still worth asking about: young enough, their advisory as it was, their image still affected.
  const aged = expirePending(previousPending, at, (osv.pendingMaxAgeHours ?? DEFAULT_PENDING_MAX_AGE_HOURS) * 3_600_000);
  if (aged.expired.length > 0) log.info('pending fixes aged out', { count: aged.expired.length, fixes: described(aged.expired) });
  const reconciled = exportsUnchanged ? { kept: aged.kept, withdrawn: [], changed: [] } : reconcilePending(aged.kept, stamps);
  if (reconciled.withdrawn.length > 0) {
    log.info('pending fixes dropped: advisory withdrawn or removed', { count: reconciled.withdrawn.length, fixes: described(reconciled.withdrawn) });
  }
  const states =
    changed.length > 0
      ? await imageStates(store)
      : reconciled.kept.length > 0
        ? await statesOf(
            store,
            reconciled.kept.map((fix) => fix.image),
          )
        : new Map<string, ImageState>();
  const rechecks: Recheck[] = [];
  const imageGone: PendingFix[] = [];
  const notAffected: PendingFix[] = [];
  for (const fix of reconciled.kept) {
    const state = states.get(fix.image);
    if (!state) {
      imageGone.push(fix);
      continue;
    }
    const index = indexOf([fix.advisory]);
    const questions = registryQuestions(state, index);
    if (questions.length === 0) notAffected.push(fix);
    else rechecks.push({ fix, state, index, questions });
  }
  if (imageGone.length > 0) log.info('pending fixes dropped: image gone from the index', { count: imageGone.length, fixes: described(imageGone) });
  if (notAffected.length > 0) {
    log.info('pending fixes dropped: package no longer installed at an affected version', { count: notAffected.length, fixes: described(notAffected) });
  }

  // One round of registry questions for the diff and the pending fixes: each (ecosystem, package) once, within the bound.
  const changedIndex = changed.length > 0 ? indexOf(changed) : null;
  const questions = [
    ...(changedIndex ? [...states.values()].flatMap((state) => registryQuestions(state, changedIndex)) : []),
    ...rechecks.flatMap((recheck) => recheck.questions),
  ];
  const { answers, asked, skipped } =
    questions.length > 0 ? await askRegistries(questions, options) : { answers: new Map() as RegistryAnswers, asked: 0, skipped: 0 };

  const found: ImageChange[] = [];
  const added: PendingFix[] = [];
  const refs = new Map<string, AdvisoryRef>();
  if (changedIndex) {
    const repoCache = new Map<string, Promise<RepoPackages | null>>();
    const byId = new Map(changed.map((advisory) => [advisory.id, advisory]));
    for (const [image, state] of states) {
      const fixes = reachableFixes(state, changedIndex, await reposOf(state, options, repoCache), answers);
      if (fixes.advisories.length > 0) found.push({ image, advisories: fixes.advisories, packages: fixes.packages });
      for (const id of fixes.advisories) refs.set(id, refOf(byId.get(id)!));
      added.push(...pendingFixesOf(image, unreachableLanguageFixes(state, changedIndex, answers), at.toISOString()));
    }
  }
  const stillPending: PendingFix[] = [];
  const shipped: PendingFix[] = [];
  for (const { fix, state, index } of rechecks) {
    const fixes = reachableFixes(state, index, [], answers);
    if (!fixes.advisories.includes(fix.advisory.id)) {
      stillPending.push(fix);
      continue;
    }
    shipped.push(fix);
    found.push({ image: fix.image, advisories: fixes.advisories, packages: fixes.packages });
    if (!refs.has(fix.advisory.id)) refs.set(fix.advisory.id, refOf(fix.advisory));
  }
  if (shipped.length > 0) log.info('pending fixes shipped: their images rebuild', { count: shipped.length, fixes: described(shipped) });
  const merged = mergePending(stillPending, added, options.maxPendingFixes ?? MAX_PENDING_FIXES, reconciled.changed);
  if (merged.dropped.length > 0)
    log.warn('pending fixes past the bound dropped, oldest first', { count: merged.dropped.length, fixes: described(merged.dropped) });
  const pendingOutcome = { size: merged.pending.length, rechecked: rechecks.length, shipped: shipped.length, added: added.length };

  let event: AdvisoryRefreshOutcome['event'];
  if (found.length > 0) {
    const data: OsvAdvisoryChangedData = {
      advisories: [...refs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      images: mergeImages(found),
    };
    event = { id: `osv/${shortHash(...advisoryChangeStamps(data))}`, data };
  }
  const pendingChanged = JSON.stringify(merged.pending) !== JSON.stringify(previousPending);
  if (exportsUnchanged && !event && !pendingChanged) {
    return { status: 'unchanged', refresh, changedAdvisories: [], registryQueries: { asked, skipped }, pending: pendingOutcome };
  }
  const snapshot: AdvisorySnapshot = {
    format: 'ccp.osv-advisories/v1',
    exports: digests,
    advisories: stamps,
    takenAt: at.toISOString(),
    ...(merged.pending.length > 0 ? { pending: merged.pending } : {}),
  };
  if (event) snapshot.lastChange = { tick: options.tick, eventId: event.id, data: event.data };
  else if (previous?.lastChange) snapshot.lastChange = previous.lastChange;
  try {
    await store.put(osvAdvisorySnapshotKey(), `${JSON.stringify(snapshot)}\n`, {
      contentType: 'application/json',
      ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const }),
    });
  } catch (error) {
    if (error instanceof PreconditionFailedError) {
      return { status: 'conflict', refresh, changedAdvisories: changedIds, registryQueries: { asked, skipped }, pending: pendingOutcome };
    }
    throw error;
  }
  const status = !previous ? 'recorded' : event ? 'changed' : changedIds.length > 0 ? 'quiet' : 'unchanged';
  return { status, refresh, changedAdvisories: changedIds, registryQueries: { asked, skipped }, pending: pendingOutcome, ...(event ? { event } : {}) };
}

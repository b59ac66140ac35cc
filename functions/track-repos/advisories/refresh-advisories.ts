import { shortHash } from '../../../shared/cascade/keys';
import type { OsvAdvisoryChangedData } from '../../../shared/events/contracts/osv-advisory-changed';
import { imageName } from '../../../shared/index/types';
import type { Logger } from '../../../shared/log/logger';
import { readAdvisories, readStoredExports } from '../../../shared/osv/database';
import { ecosystemSlug } from '../../../shared/osv/ecosystems';
import { refreshOsvExports, type OsvSourceState, type RefreshOutcome } from '../../../shared/osv/mirror';
import type { Advisory } from '../../../shared/osv/types';
import { PackageRegistryClient, RegistryUnreachableError } from '../../../shared/package-registries/registry-client';
import { registryVersions, type RegistryUrls } from '../../../shared/package-registries/registry-lookup';
import type { RegistryVersions } from '../../../shared/package-registries/registry-versions';
import type { ImageState } from '../../../shared/reports/image-state';
import type { RepoUsage } from '../../../shared/rpm/repo-usage';
import { PreconditionFailedError } from '../../../shared/store/errors';
import { osvAdvisorySnapshotKey, osvSourceKey, parseImageStateKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { pollRepo } from '../repos/poll-repo';
import { repoKeyOf } from '../repos/repo-key';
import { baseUrlOf } from '../repos/tracked-repos';
import { readRepoState } from '../repos/repo-state-store';
import type { RepoHttp } from '../repos/types';
import { advisoryStamps, changedAdvisoryIds, type AdvisoryStamps } from './advisory-diff';
import { indexOf, reachableFixes, registryKey, registryQuestions, type RegistryAnswers, type RegistryQuestion, type RepoPackages } from './reachable-fixes';

/**
 * At most this many registry questions (one per ecosystem and package) per refresh: a database
 * change that touches thousands of installed packages must not turn one tick into thousands of
 * requests. The rest (in key order) count as not reachable this time; the scan reports them.
 */
export const MAX_REGISTRY_QUERIES = 200;

/** `state/osv/advisories.json`: what the last refresh tick diffed. */
export interface AdvisorySnapshot {
  format: 'ccp.osv-advisories/v1';
  /** Ecosystem → sha256 of the stored export the stamps were read from: the same exports, nothing to diff. */
  exports: Record<string, string>;
  advisories: AdvisoryStamps;
  takenAt: string;
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
  event?: { id: string; data: OsvAdvisoryChangedData };
}

export interface RefreshAdvisoriesOptions {
  store: ObjectStore;
  http: RepoHttp;
  log: Logger;
  /** Id of the tick being handled: its change is re-emitted when it is redelivered. */
  tick: string;
  osv: { urls: string[]; ecosystems: string[] };
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

/** The images with a fix of one of `changed` in reach (their repositories' or their registries'), sorted by name. */
async function affectedImages(
  changed: Advisory[],
  options: RefreshAdvisoriesOptions,
): Promise<{ images: OsvAdvisoryChangedData['images']; registryQueries: { asked: number; skipped: number } }> {
  const index = indexOf(changed);
  const { objects } = await options.store.list('state/images/');
  const states: ImageState[] = [];
  for (const { key } of objects) {
    if (!parseImageStateKey(key)) continue;
    const state = (await readJson<ImageState>(options.store, key))?.value;
    if (state && Array.isArray(state.packages) && Array.isArray(state.repos)) states.push(state);
  }
  // Every image's questions first, so a package many images install is asked about once.
  const { answers, asked, skipped } = await askRegistries(
    states.flatMap((state) => registryQuestions(state, index)),
    options,
  );
  const repoCache = new Map<string, Promise<RepoPackages | null>>();
  const images: OsvAdvisoryChangedData['images'] = [];
  for (const state of states) {
    const fixes = reachableFixes(state, index, await reposOf(state, options, repoCache), answers);
    if (fixes.advisories.length > 0) images.push({ image: imageName(state.project), advisories: fixes.advisories, packages: fixes.packages });
  }
  return { images: images.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0)), registryQueries: { asked, skipped } };
}

/**
 * One refresh tick of the OSV database: the exports are fetched again (conditional requests: a
 * 304 leaves them as they are), and when a stored export differs from the one last diffed, its
 * advisories' ids and `modified` times are compared with `state/osv/advisories.json`. The new
 * and changed advisories are matched against every built image's state (`state/images/…`) and
 * the packages its repositories carry; those with a fix in reach of some image make one
 * `osv.advisory-changed` for the whole refresh (so an image two advisories touch rebuilds once),
 * id `osv/<hash of the ids and modified times>`. The snapshot is written conditionally, with the
 * change, before anything is emitted: a redelivered tick re-emits the same event, a later tick
 * finds nothing new. The first refresh only records.
 * @see ../readme.md
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
  if (previous && sameDigests(previous.exports, digests)) return { status: 'unchanged', refresh, changedAdvisories: [] };

  const { exports } = await readStoredExports(store, osv.ecosystems);
  const { advisories, stats } = await readAdvisories(exports);
  if (stats.invalid > 0) log.warn('OSV records skipped', { invalid: stats.invalid, errors: stats.errors });
  const stamps = advisoryStamps(advisories);
  const changedIds = previous ? changedAdvisoryIds(previous.advisories, stamps) : [];
  const byId = new Map<string, Advisory>();
  for (const advisory of advisories) if (!byId.has(advisory.id)) byId.set(advisory.id, advisory);
  const changed = changedIds.map((id) => byId.get(id)!);
  const { images, registryQueries } = changed.length > 0 ? await affectedImages(changed, options) : { images: [], registryQueries: { asked: 0, skipped: 0 } };
  const reaching = new Set(images.flatMap((image) => image.advisories));
  const snapshot: AdvisorySnapshot = { format: 'ccp.osv-advisories/v1', exports: digests, advisories: stamps, takenAt: now().toISOString() };
  let event: AdvisoryRefreshOutcome['event'];
  if (images.length > 0) {
    const data: OsvAdvisoryChangedData = {
      advisories: changed
        .filter((advisory) => reaching.has(advisory.id))
        .map((advisory) => ({ id: advisory.id, modified: advisory.modified, aliases: advisory.aliases, summary: advisory.summary })),
      images,
    };
    event = { id: `osv/${shortHash(...data.advisories.map((advisory) => `${advisory.id}@${advisory.modified}`))}`, data };
    snapshot.lastChange = { tick: options.tick, eventId: event.id, data };
  } else if (previous?.lastChange) {
    snapshot.lastChange = previous.lastChange;
  }
  try {
    await store.put(osvAdvisorySnapshotKey(), `${JSON.stringify(snapshot)}\n`, {
      contentType: 'application/json',
      ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const }),
    });
  } catch (error) {
    if (error instanceof PreconditionFailedError) return { status: 'conflict', refresh, changedAdvisories: changedIds, registryQueries };
    throw error;
  }
  const status = !previous ? 'recorded' : event ? 'changed' : changedIds.length > 0 ? 'quiet' : 'unchanged';
  return { status, refresh, changedAdvisories: changedIds, registryQueries, ...(event ? { event } : {}) };
}

import type { ObjectStore } from '../store/types';
import { OsvDatabase, type LoadedDatabase } from './database';
import { refreshOsvExports, type MirrorOptions, type RefreshOutcome } from './mirror';

/** The advisory database as a scanner sees it: brought up to date (within the interval) and loaded. */
export interface AdvisorySource {
  load(): Promise<LoadedDatabase & { refresh: RefreshOutcome[] }>;
}

/** How often a scan asks the mirror again, when no refresh tick has (a 304 costs a round trip, not a download). */
export const DEFAULT_REFRESH_INTERVAL_MS = 60 * 60 * 1000;

/** One database per store and set of ecosystems: a warm process shares it between scans. */
const databases = new WeakMap<ObjectStore, Map<string, OsvDatabase>>();

function databaseFor(store: ObjectStore, ecosystems: string[]): OsvDatabase {
  const byEcosystems = databases.get(store) ?? new Map<string, OsvDatabase>();
  databases.set(store, byEcosystems);
  const key = JSON.stringify(ecosystems);
  let database = byEcosystems.get(key);
  if (!database) {
    database = new OsvDatabase(store, ecosystems);
    byEcosystems.set(key, database);
  }
  return database;
}

/**
 * The advisories of the OSV exports kept in `store`: each load first refreshes the exports from
 * the mirrors (conditional requests, skipped when checked within `minIntervalMs`, default an
 * hour), then answers from the in-memory index, rebuilt only when an export changed. The mirrors
 * are the only network it uses.
 * @see https://google.github.io/osv.dev/data/#data-dumps
 */
export function osvAdvisorySource(store: ObjectStore, options: MirrorOptions): AdvisorySource {
  return {
    async load() {
      const refresh = await refreshOsvExports(store, { minIntervalMs: DEFAULT_REFRESH_INTERVAL_MS, ...options });
      const database = await databaseFor(store, options.ecosystems).load();
      return { ...database, refresh };
    },
  };
}

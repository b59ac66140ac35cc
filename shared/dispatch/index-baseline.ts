import { imageName, type ProjectEntry, type ProjectRef } from '../index/types';
import { PreconditionFailedError } from '../store/errors';
import { buildRecordsPrefix } from '../store/keys';
import type { ObjectStore } from '../store/types';
import { sameBuildConfiguration, type LastBuiltEntry } from './index-diff';
import { INDEX_SNAPSHOT_KEY } from './keys';
import type { IndexSnapshot } from './types';

/** Attempts of one compare-and-swap update before giving up (the broker then retries the event). */
const MAX_ATTEMPTS = 50;

/**
 * `previous` with `seen` entries added or put in place of theirs and `removed` names gone, or
 * `null` when that changes no entry's build configuration (nothing to write).
 */
export function mergeSnapshot(previous: IndexSnapshot | null, seen: readonly ProjectEntry[], removed: readonly ProjectRef[], now: Date): IndexSnapshot | null {
  const entries = new Map((previous?.entries ?? []).map((entry) => [imageName(entry), entry]));
  let changed = previous === null;
  for (const ref of removed) changed = entries.delete(imageName(ref)) || changed;
  for (const entry of seen) {
    const known = entries.get(imageName(entry));
    if (known && sameBuildConfiguration(known, entry)) continue;
    entries.set(imageName(entry), entry);
    changed = true;
  }
  if (!changed) return null;
  return { format: 'ccp.index-snapshot/v1', ...(previous?.commit ? { commit: previous.commit } : {}), takenAt: now.toISOString(), entries: [...entries.values()] };
}

/**
 * `state/index/snapshot.json`, the baseline an index push is diffed with: the index the
 * dispatcher last read at a push, with every entry built since put in (`ccp run`, `ccp build`).
 * Changed with conditional puts (created if absent, else replaced only if nobody changed it
 * since it was read), so two dispatchers recording at once both land.
 * @see ../../README.md#rebuild-triggers
 */
export class IndexSnapshotStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The snapshot, or `null` before the first one (or when what is stored is no snapshot). */
  async read(): Promise<IndexSnapshot | null> {
    return (await this.readWithTag())?.snapshot ?? null;
  }

  /**
   * Puts `seen` into the snapshot (creating it when there is none) and takes `removed` out.
   * Returns whether the stored object changed.
   */
  async record(seen: readonly ProjectEntry[], removed: readonly ProjectRef[] = []): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.readWithTag();
      const next = mergeSnapshot(current?.snapshot ?? null, seen, removed, this.now());
      if (!next) return false;
      try {
        await this.store.put(INDEX_SNAPSHOT_KEY, `${JSON.stringify(next)}\n`, { contentType: 'application/json', ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' }) });
        return true;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));
      }
    }
  }

  private async readWithTag(): Promise<{ snapshot: IndexSnapshot | null; etag: string } | null> {
    const stored = await this.store.get(INDEX_SNAPSHOT_KEY);
    if (!stored) return null;
    return { snapshot: parseSnapshot(stored.body.toString('utf8')), etag: stored.etag };
  }
}

/** A stored snapshot, or `null` when the text is none (it is then replaced, not merged into). */
function parseSnapshot(text: string): IndexSnapshot | null {
  try {
    const parsed = JSON.parse(text) as Partial<IndexSnapshot> | null;
    if (parsed?.format !== 'ccp.index-snapshot/v1' || !Array.isArray(parsed.entries)) return null;
    return parsed as IndexSnapshot;
  } catch {
    return null;
  }
}

/**
 * The entry of an image's newest build record (`state/builds/<app>/<job>/<tag>/`, build ids
 * sort by time), whatever its status: the configuration it was last built (or queued) with.
 * Only the records directly in the image's folder count: a job id may hold `/`, so another
 * image's records can sit below it.
 * @see ../store/readme.md
 */
export function lastBuiltEntryIn(store: ObjectStore): LastBuiltEntry {
  return async (ref) => {
    const { objects } = await store.list(buildRecordsPrefix(ref), { delimiter: '/' });
    const newest = objects.filter(({ key }) => key.endsWith('.json')).at(-1);
    if (!newest) return null;
    const stored = await store.get(newest.key);
    if (!stored) return null;
    try {
      const record = JSON.parse(stored.body.toString('utf8')) as { entry?: ProjectEntry } | null;
      return record?.entry && typeof record.entry === 'object' ? record.entry : null;
    } catch {
      return null;
    }
  };
}

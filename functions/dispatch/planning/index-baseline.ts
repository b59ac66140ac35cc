import type { IndexChangedData } from '../../../shared/events/types';
import { imageName, type ProjectEntry, type ProjectRef } from '../../../shared/index/types';
import { PreconditionFailedError } from '../../../shared/store/errors';
import { buildRecordsPrefix } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { diffIndex, sameBuildConfiguration, type LastBuiltEntry } from './index-diff';
import { INDEX_SNAPSHOT_KEY } from '../../../shared/cascade/keys';
import type { IndexSnapshot } from '../../../shared/cascade/types';

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
  return {
    format: 'ccp.index-snapshot/v1',
    ...(previous?.commit ? { commit: previous.commit } : {}),
    takenAt: now.toISOString(),
    entries: [...entries.values()],
    ...(previous?.readAt ? { readAt: previous.readAt } : {}),
    ...(previous?.change ? { change: previous.change } : {}),
  };
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
    return this.swap((known) => {
      const next = mergeSnapshot(known, seen, removed, this.now());
      return { next, result: next !== null };
    });
  }

  /**
   * Makes the index at `commit` the snapshot and answers what changed since the one before
   * ({@link diffIndex}). The change is kept with the snapshot: when the index is read again at
   * the same commit (a redelivered push, or a second push whose read found the same head), the
   * same change is answered, not an empty one, so a dispatcher that died between writing the
   * snapshot and announcing the change announces it on redelivery (receivers drop the
   * duplicate by its id). `readAt`: when the index was read; conditional puts: of two reads
   * at once, the newer diffs against the older one's index, and the older, written second,
   * announces nothing (it would take back what the newer one announced).
   */
  async advance(projects: readonly ProjectEntry[], commit: string, readAt: Date = this.now()): Promise<IndexChangedData> {
    const at = readAt.toISOString();
    return this.swap((known) => {
      if (known?.commit === commit && known.change) return { next: null, result: known.change };
      // A read older than the snapshot's would take back what a newer read announced.
      if (known?.readAt && known.readAt > at) return { next: null, result: { commit, added: [], changed: [], removed: [] } };
      const change = diffIndex(known?.entries ?? [], projects, commit);
      return {
        next: { format: 'ccp.index-snapshot/v1', commit, takenAt: this.now().toISOString(), readAt: at, entries: [...projects], change },
        result: change,
      };
    });
  }

  /**
   * Reads the snapshot, lets `decide` make the next one (`null`: keep it) and writes it if the
   * stored object is still the one read (created only if absent); reads and decides again on
   * conflict, after a short random pause.
   */
  private async swap<T>(decide: (known: IndexSnapshot | null) => { next: IndexSnapshot | null; result: T }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.readWithTag();
      const { next, result } = decide(current?.snapshot ?? null);
      if (!next) return result;
      try {
        await this.store.put(INDEX_SNAPSHOT_KEY, `${JSON.stringify(next)}\n`, {
          contentType: 'application/json',
          ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' }),
        });
        return result;
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
 * @see ../../../shared/store/readme.md
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

import type { IndexChangedData } from '../../../shared/events/types';
import { imageName, type ProjectEntry, type ProjectRef } from '../../../shared/index/types';

/** The fields that make a build: everything but where the entry is written (`source`) and its `id`. */
function buildConfiguration(entry: ProjectEntry): string {
  const fields = Object.keys(entry)
    .filter((key) => key !== 'source' && key !== 'id')
    .sort();
  return JSON.stringify(entry, fields);
}

/**
 * Whether two entries build the same image the same way: moving an entry to another file or
 * line, or renumbering it, changes nothing.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function sameBuildConfiguration(a: ProjectEntry, b: ProjectEntry): boolean {
  return buildConfiguration(a) === buildConfiguration(b);
}

/**
 * What changed between two versions of the index: entries added, entries whose build
 * configuration changed (moving an entry or renumbering it changes nothing), entries removed.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function diffIndex(before: readonly ProjectEntry[], after: readonly ProjectEntry[], commit?: string): IndexChangedData {
  const old = new Map(before.map((entry) => [imageName(entry), entry]));
  const now = new Map(after.map((entry) => [imageName(entry), entry]));
  const added: ProjectEntry[] = [];
  const changed: ProjectEntry[] = [];
  for (const [name, entry] of now) {
    const previous = old.get(name);
    if (!previous) added.push(entry);
    else if (!sameBuildConfiguration(previous, entry)) changed.push(entry);
  }
  const removed = [...old.entries()]
    .filter(([name]) => !now.has(name))
    .map(([, entry]) => ({ appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag }));
  return { ...(commit ? { commit } : {}), added, changed, removed };
}

/** The entry an image was last built with (its newest build record), or `null` when it never was. */
export type LastBuiltEntry = (ref: ProjectRef) => Promise<ProjectEntry | null>;

/** {@link againstBuilds}: the change left to build, and the names it took out of `added`. */
export interface BuiltBaseline {
  change: IndexChangedData;
  /** Built before with this very configuration: nothing to do. */
  unchanged: string[];
  /** Built before with another configuration: moved from `added` to `changed`. */
  rebuilt: string[];
}

/**
 * Measures the entries `change` calls added against their newest build instead: an entry the
 * last-seen index lacked may have been built before that index was recorded (a dispatcher
 * whose snapshot is missing or older than its builds). Such an entry built with the same
 * configuration needs nothing, one built with another one is a changed entry, and only an
 * entry never built is new (its first build). Entries `keep` names are left as they are (a
 * sender that gave their causes itself). At most `parallel` look-ups run at once.
 * @see ../../README.md#rebuild-triggers
 */
export async function againstBuilds(
  change: IndexChangedData,
  lastBuilt: LastBuiltEntry,
  keep: (name: string) => boolean = () => false,
  parallel = 16,
): Promise<BuiltBaseline> {
  const looked = new Map<string, ProjectEntry | null>();
  const pending = change.added.filter((entry) => !keep(imageName(entry)));
  const worker = async (): Promise<void> => {
    for (let entry = pending.shift(); entry; entry = pending.shift()) looked.set(imageName(entry), await lastBuilt(entry));
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));

  const added: ProjectEntry[] = [];
  const changed: ProjectEntry[] = [...change.changed];
  const unchanged: string[] = [];
  const rebuilt: string[] = [];
  for (const entry of change.added) {
    const name = imageName(entry);
    const built = looked.get(name);
    if (!built) added.push(entry);
    else if (sameBuildConfiguration(built, entry)) unchanged.push(name);
    else {
      changed.push(entry);
      rebuilt.push(name);
    }
  }
  return { change: { ...change, added, changed }, unchanged, rebuilt };
}

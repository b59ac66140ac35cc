import type { IndexChangedData } from '../events/types';
import { imageName, type ProjectEntry } from '../index/types';

/** The fields that make a build: everything but where the entry is written (`source`) and its `id`. */
function buildConfiguration(entry: ProjectEntry): string {
  const fields = Object.keys(entry).filter((key) => key !== 'source' && key !== 'id').sort();
  return JSON.stringify(entry, fields);
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
    else if (buildConfiguration(previous) !== buildConfiguration(entry)) changed.push(entry);
  }
  const removed = [...old.entries()].filter(([name]) => !now.has(name)).map(([, entry]) => ({ appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag }));
  return { ...(commit ? { commit } : {}), added, changed, removed };
}

import { createHash } from 'node:crypto';
import { CascadeStore } from '../../shared/cascade/cascade-store';
import type { CascadeItem } from '../../shared/cascade/types';
import type { ObjectStore } from '../../shared/store/types';

/** `state/runs/<hash of the selected projects>.json`: a `ccp run` whose cascade has not ended. */
export function pendingRunKey(projects: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...projects].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `state/runs/${digest}.json`;
}

/** What `ccp run` keeps of its request until its cascade ended. */
export interface PendingRun {
  /** The `index.changed` id it published. */
  id: string;
  projects: string[];
  startedAt: string;
}

/**
 * The id of the request of a `ccp run` of the same projects that was stopped (killed) before its
 * cascade ended, or `null`. Publishing that id again lets the dispatcher find the cascade it
 * made and continue it (the journal replays what was in flight), instead of building every
 * image again in a second cascade.
 * @see ../../shared/runtime/readme.md
 */
export async function pendingRun(store: ObjectStore, projects: readonly string[]): Promise<PendingRun | null> {
  const stored = await store.get(pendingRunKey(projects));
  if (!stored) return null;
  try {
    const value = JSON.parse(stored.body.toString('utf8')) as Partial<PendingRun>;
    return typeof value.id === 'string' && Array.isArray(value.projects)
      ? { id: value.id, projects: value.projects.map(String), startedAt: String(value.startedAt ?? '') }
      : null;
  } catch {
    return null;
  }
}

/** Marks the run as started (before its request is published). */
export async function markRunPending(store: ObjectStore, run: PendingRun): Promise<void> {
  await store.put(pendingRunKey(run.projects), JSON.stringify(run), { contentType: 'application/json' });
}

/** The run's cascade ended: a next `ccp run` of the same projects starts a new one. */
export async function markRunEnded(store: ObjectStore, projects: readonly string[]): Promise<void> {
  await store.delete(pendingRunKey(projects));
}

/** The items of a cascade by project name: what a resumed run reports of builds that ended before the restart. */
export async function cascadeItems(store: ObjectStore, cascade: string): Promise<Map<string, CascadeItem>> {
  const record = await new CascadeStore(store).get(cascade);
  return new Map((record?.items ?? []).map((item) => [item.name, item]));
}

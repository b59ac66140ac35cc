import { repoStateKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import type { RepoState, TrackedRepo } from './types';

/** A stored repo state with the ETag to write it back conditionally. */
export interface StoredRepoState {
  state: RepoState;
  etag: string;
}

/** A state for a repository never polled. */
export function emptyRepoState(repo: TrackedRepo): RepoState {
  return { format: 'ccp.repo-state/v1', key: repo.key, name: repo.name, url: repo.url };
}

/**
 * `state/repos/<repo-key>.json` and its ETag; `null` when there is none. A record that is not
 * JSON is treated as none (the next write replaces it, still conditionally).
 */
export async function readRepoState(store: ObjectStore, key: string): Promise<{ state: RepoState | null; etag: string } | null> {
  const stored = await store.get(repoStateKey(key));
  if (!stored) return null;
  try {
    return { state: JSON.parse(stored.body.toString('utf8')) as RepoState, etag: stored.etag };
  } catch {
    return { state: null, etag: stored.etag };
  }
}

/**
 * Writes the state only if nobody wrote it since it was read (`ifMatch` the ETag read, or
 * create-only when there was none): one writer per key, even with two pollers at once. Throws
 * the store's `PreconditionFailedError` when another writer was first.
 * @see ../../../shared/store/readme.md
 */
export async function writeRepoState(store: ObjectStore, state: RepoState, readEtag: string | null): Promise<void> {
  await store.put(repoStateKey(state.key), `${JSON.stringify(state)}\n`, {
    contentType: 'application/json',
    ...(readEtag ? { ifMatch: readEtag } : { ifNoneMatch: '*' as const }),
  });
}

import type { RpmRepoChangedData } from '../../../shared/events/types';
import type { Logger } from '../../../shared/log/logger';
import { PreconditionFailedError } from '../../../shared/store/errors';
import type { ObjectStore } from '../../../shared/store/types';
import { fetchPrimaryPackages } from './fetch-primary';
import { fetchRepomdIfChanged, RepoFetchError } from './fetch-repomd';
import { emptyRepoState, readRepoState, writeRepoState } from './repo-state-store';
import { diffSnapshots, isEmptyDiff, newestByNameArch } from './snapshot-diff';
import type { RepoHttp, RepoPollOutcome, RepoSnapshot, RepoState, TrackedRepo } from './types';

export interface PollRepoOptions {
  store: ObjectStore;
  http: RepoHttp;
  log: Logger;
  /** Id of the tick being handled: a change found by it is re-emitted when it is redelivered. */
  tick: string;
  now?: () => Date;
}

const shortChecksum = (checksum: string): string => checksum.slice(checksum.indexOf(':') + 1, checksum.indexOf(':') + 17);

/**
 * Polls one repository and keeps its state (`state/repos/<key>.json`) up to date:
 * a conditional GET of repomd.xml (a 304 ends it); on a new revision or primary checksum, the
 * primary metadata (only when its checksum differs from the snapshot's) diffed against the
 * snapshot. The first successful poll only records the snapshot. A repository that cannot be
 * reached gets `lastError`/`lastErrorAt` and keeps its snapshot, so it is neither stale nor fresh
 * by mistake and the next poll diffs from where the last good one left. Every write is
 * conditional on what was read; losing the race is `conflict`, and the winner emits.
 * @see ./readme.md
 */
export async function pollRepo(repo: TrackedRepo, options: PollRepoOptions): Promise<RepoPollOutcome> {
  const now = options.now ?? (() => new Date());
  const stored = await readRepoState(options.store, repo.key);
  const state: RepoState = stored?.state ? { ...stored.state, name: stored.state.name ?? repo.name, url: repo.url } : emptyRepoState(repo);
  const readEtag = stored?.etag ?? null;
  if (state.lastChange?.tick === options.tick) {
    // This tick found the change before and was redelivered: say it again under the same id.
    return { repo, status: 'changed', change: { eventId: state.lastChange.eventId, data: state.lastChange.data } };
  }
  const save = async (next: RepoState): Promise<boolean> => {
    try {
      await writeRepoState(options.store, next, readEtag);
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw error;
    }
  };
  const healthy: RepoState = { ...state };
  delete healthy.lastError;
  delete healthy.lastErrorAt;
  const previous = state.snapshot;
  try {
    const answer = await fetchRepomdIfChanged(repo.url, previous ?? {}, options.http);
    if (answer.status === 'not-modified') {
      if (state.lastError && !(await save(healthy))) return { repo, status: 'conflict' };
      return { repo, status: 'unchanged' };
    }
    const { repomd } = answer;
    const primaryChecksum = `${repomd.primary.checksumType}:${repomd.primary.checksum}`;
    const validators = { ...(answer.etag ? { etag: answer.etag } : {}), ...(answer.lastModified ? { lastModified: answer.lastModified } : {}) };
    if (previous && previous.primaryChecksum === primaryChecksum) {
      // New repomd (other metadata, or only a new revision) with the same packages: keep the
      // snapshot, take the new validators so the next poll is a 304 again.
      const snapshot: RepoSnapshot = { ...previous, ...(repomd.revision ? { revision: repomd.revision } : {}) };
      delete snapshot.etag;
      delete snapshot.lastModified;
      Object.assign(snapshot, validators);
      if (!(await save({ ...healthy, snapshot }))) return { repo, status: 'conflict' };
      return { repo, status: 'unchanged' };
    }
    const packages = newestByNameArch(await fetchPrimaryPackages(repo.url, repomd.primary, options.http));
    const snapshot: RepoSnapshot = {
      ...(repomd.revision ? { revision: repomd.revision } : {}),
      primaryChecksum,
      ...validators,
      takenAt: now().toISOString(),
      packages,
    };
    if (!previous) {
      if (!(await save({ ...healthy, snapshot }))) return { repo, status: 'conflict' };
      options.log.info('repo recorded', { repo: repo.name, key: repo.key, url: repo.url, revision: snapshot.revision, packages: Object.keys(packages).length });
      return { repo, status: 'recorded' };
    }
    const diff = diffSnapshots(previous.packages, packages, repo.name);
    if (isEmptyDiff(diff)) {
      if (!(await save({ ...healthy, snapshot }))) return { repo, status: 'conflict' };
      return { repo, status: 'unchanged' };
    }
    const data: RpmRepoChangedData = {
      repo: { key: repo.key, url: repo.url, name: repo.name },
      ...(previous.revision ? { previousRevision: previous.revision } : {}),
      revision: repomd.revision ?? primaryChecksum,
      ...diff,
    };
    const eventId = `rpm-repo/${repo.key}/${shortChecksum(previous.primaryChecksum)}-${shortChecksum(primaryChecksum)}`;
    if (!(await save({ ...healthy, snapshot, lastChange: { tick: options.tick, eventId, data } }))) return { repo, status: 'conflict' };
    options.log.info('repo changed', {
      repo: repo.name,
      key: repo.key,
      revision: data.revision,
      added: diff.added.length,
      updated: diff.updated.length,
      removed: diff.removed.length,
    });
    return { repo, status: 'changed', change: { eventId, data } };
  } catch (error) {
    if (!(error instanceof RepoFetchError)) throw error;
    options.log.warn('repo unreachable', { repo: repo.name, key: repo.key, url: repo.url, reason: error.message, images: repo.images.length });
    // The snapshot stays as it was: nothing is concluded from a repository that did not answer.
    await save({ ...state, lastError: error.message, lastErrorAt: now().toISOString() });
    return { repo, status: 'unreachable', error: error.message };
  }
}

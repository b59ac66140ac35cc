export { trackRepos, type TrackReposOptions } from './track-repos';
export { pollRepo, type PollRepoOptions } from './poll-repo';
export { listTrackedRepos } from './tracked-repos';
export { repoKeyOf, normalizeBaseUrl } from './repo-key';
export { newestByNameArch, diffSnapshots, isEmptyDiff, type SnapshotDiff } from './snapshot-diff';
export { fetchRepomdIfChanged, RepoFetchError, type RepomdAnswer, type RepomdValidators } from './fetch-repomd';
export { fetchPrimaryPackages } from './fetch-primary';
export { readRepoState, writeRepoState, emptyRepoState } from './repo-state-store';
export type * from './types';

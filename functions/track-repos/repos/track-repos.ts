import type { Logger } from '../../../shared/log/logger';
import { Semaphore } from '../../../shared/runtime/semaphore';
import type { ObjectStore } from '../../../shared/store/types';
import { pollRepo } from './poll-repo';
import { listTrackedRepos } from './tracked-repos';
import type { RepoHttp, RepoPollOutcome } from './types';

export interface TrackReposOptions {
  store: ObjectStore;
  http: RepoHttp;
  log: Logger;
  /** Id of the tick being handled (see `pollRepo`). */
  tick: string;
  /** Repositories polled at once (default 8). */
  concurrency?: number;
  now?: () => Date;
  /** Called with every outcome, e.g. to count unreachable repositories in metrics. */
  onPolled?: (outcome: RepoPollOutcome) => void;
}

/**
 * One round of repo tracking: every repository any image uses ({@link listTrackedRepos}),
 * polled a few at a time ({@link pollRepo}); the outcomes in key order. A store failure throws
 * (the tick is retried; what was written stays consistent and a change already found is
 * re-emitted under its id), a repository that fails is an `unreachable` outcome.
 * @see ./readme.md
 */
export async function trackRepos(options: TrackReposOptions): Promise<RepoPollOutcome[]> {
  const repos = await listTrackedRepos(options.store, options.log);
  const limit = new Semaphore(options.concurrency ?? 8);
  return Promise.all(
    repos.map((repo) =>
      limit.run(async () => {
        const outcome = await pollRepo(repo, options);
        options.onPolled?.(outcome);
        return outcome;
      }),
    ),
  );
}

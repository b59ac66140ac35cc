import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { TRACK_REPOS_MANIFEST } from './manifest';

/**
 * Tracks the RPM repositories the images use: on every `tick.repo-poll` it polls them and emits
 * `rpm-repo.changed` for each whose packages changed, for the dispatcher to rebuild the images
 * that have an older version installed.
 */
export const trackReposFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: TRACK_REPOS_MANIFEST.accepts,
  handle,
};

export { createTrackReposHandler, repoHttp, type TrackReposHandlerOptions } from './handle';

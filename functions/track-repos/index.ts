import { EventTypes } from '../../shared/events';
import type { FunctionDefinition } from '../types';
import { FUNCTION_NAME, handle } from './handle';

/**
 * Tracks the RPM repositories the images use: on every `tick.repo-poll` it polls them and emits
 * `rpm-repo.changed` for each whose packages changed, for the dispatcher to rebuild the images
 * that have an older version installed.
 */
export const trackReposFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: [EventTypes.tickRepoPoll],
  handle,
};

export { createTrackReposHandler, repoHttp, type TrackReposHandlerOptions } from './handle';

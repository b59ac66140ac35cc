import { EventTypes, ForeignEventTypes } from '../../shared/events';
import type { FunctionDefinition } from '../types';
import { FUNCTION_NAME, handle } from './handle';

/** Turns pushes, index changes, ended builds, outside image pushes and RPM updates into ordered builds. */
export const dispatchFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: [
    EventTypes.gitPush,
    ForeignEventTypes.githubPush,
    ForeignEventTypes.gitlabPush,
    EventTypes.indexChanged,
    EventTypes.buildCompleted,
    EventTypes.imagePushed,
    EventTypes.rpmRepoChanged,
  ],
  handle,
};

export { onIndexChanged, FIRST_BUILD, CONFIGURATION_UPDATE, type IndexRequestData } from './on-index-changed';

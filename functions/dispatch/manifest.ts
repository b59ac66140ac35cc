import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the dispatch function without loading its module. */
export const DISPATCH_MANIFEST: FunctionManifest = {
  name: 'dispatch',
  accepts: [
    EventTypes.gitPush,
    ForeignEventTypes.githubPush,
    ForeignEventTypes.gitlabPush,
    EventTypes.indexChanged,
    EventTypes.buildCompleted,
    EventTypes.imagePushed,
    EventTypes.rpmRepoChanged,
    EventTypes.osvAdvisoryChanged,
  ],
};

import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the build function without loading its module. */
export const BUILD_MANIFEST: FunctionManifest = {
  name: 'build',
  accepts: [EventTypes.lintCompleted, EventTypes.scanCompleted, ForeignEventTypes.apiServerUpdate],
  routes: true,
};

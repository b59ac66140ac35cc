import { EventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the track-repos function without loading its module. */
export const TRACK_REPOS_MANIFEST: FunctionManifest = { name: 'track-repos', accepts: [EventTypes.tickRepoPoll, EventTypes.tickOsvRefresh] };

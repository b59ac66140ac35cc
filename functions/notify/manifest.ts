import { EventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the notify function without loading its module. */
export const NOTIFY_MANIFEST: FunctionManifest = { name: 'notify', accepts: [EventTypes.buildCompleted, EventTypes.scanCompleted, EventTypes.noticeRequested] };

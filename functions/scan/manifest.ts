import { EventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the scan function without loading its module. */
export const SCAN_MANIFEST: FunctionManifest = { name: 'scan', accepts: [EventTypes.buildCompleted, EventTypes.scanRequested] };

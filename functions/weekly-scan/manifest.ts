import { EventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the weekly-scan function without loading its module. */
export const WEEKLY_SCAN_MANIFEST: FunctionManifest = { name: 'weekly-scan', accepts: [EventTypes.tickWeekly] };

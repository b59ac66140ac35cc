import { ForeignEventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the gateway function without loading its module. */
export const GATEWAY_MANIFEST: FunctionManifest = { name: 'gateway', accepts: [ForeignEventTypes.ping], routes: true };

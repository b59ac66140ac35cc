import type { FunctionManifest } from '../../shared/function/types';

/**
 * What the registry (functions/api.ts) knows of the dashboard without loading its module: it
 * takes no event (no Trigger subscribes it) and serves its pages as plain HTTP routes.
 */
export const DASHBOARD_MANIFEST: FunctionManifest = { name: 'dashboard', accepts: [], routes: true };

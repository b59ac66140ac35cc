import { EventTypes } from '../../shared/events/types';
import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the lint function without loading its module. */
export const LINT_MANIFEST: FunctionManifest = { name: 'lint', accepts: [EventTypes.buildRequested] };

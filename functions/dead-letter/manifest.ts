import type { FunctionManifest } from '../../shared/function/types';

/** What the registry (functions/api.ts) knows of the dead-letter function without loading its module. */
export const DEAD_LETTER_MANIFEST: FunctionManifest = { name: 'dead-letter', accepts: [], sink: true };

import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { WEEKLY_SCAN_MANIFEST } from './manifest';

/**
 * The weekly rescan: on `tick.weekly` every image of the index gets a `scan.requested` (with its
 * digest when the registry has it), paced at `CCP_WEEKLY_SCAN_RATE`.
 */
export const weeklyScanFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: WEEKLY_SCAN_MANIFEST.accepts,
  handle,
};

export { createWeeklyScanHandler, type WeeklyScanOptions } from './handle';
export { registryImagePresence, type ImagePresence } from './image-presence';
export { paceOf, systemClock, type Clock, type Pace } from './pacing';

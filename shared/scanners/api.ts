import { capabilitiesScanner } from './capabilities';
import { gemUpdatesScanner } from './gem-updates';
import { npmUpdatesScanner } from './npm-updates';
import { pipUpdatesScanner } from './pip-updates';
import type { Scanner } from './types';

/** Every scanner the scan function runs, in the order reports list them. */
export const SCANNERS: readonly Scanner[] = [pipUpdatesScanner, npmUpdatesScanner, gemUpdatesScanner, capabilitiesScanner];

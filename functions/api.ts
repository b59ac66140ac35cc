import { buildFunction } from './build';
import { deadLetterFunction } from './dead-letter';
import { dispatchFunction } from './dispatch';
import { gatewayFunction } from './gateway';
import { lintFunction } from './lint';
import { notifyFunction } from './notify';
import { scanFunction } from './scan';
import { trackReposFunction } from './track-repos';
import { weeklyScanFunction } from './weekly-scan';
import type { FunctionDefinition } from './types';

/** Every function of the service, by name: the Knative Service `ccp-<name>` runs it. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDefinition> = new Map([lintFunction, deadLetterFunction, notifyFunction, gatewayFunction, buildFunction, scanFunction, trackReposFunction, dispatchFunction, weeklyScanFunction].map((definition) => [definition.name, definition]));

import { EventTypes } from '../../shared/events';
import type { FunctionDefinition } from '../types';
import { FUNCTION_NAME, handle } from './handle';

/** Lints the Dockerfile of every requested build before it is built. */
export const lintFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: [EventTypes.buildRequested],
  handle,
};

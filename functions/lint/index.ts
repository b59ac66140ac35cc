import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { LINT_MANIFEST } from './manifest';

/** Lints the Dockerfile of every requested build before it is built. */
export const lintFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: LINT_MANIFEST.accepts,
  handle,
};

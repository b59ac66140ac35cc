import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { DISPATCH_MANIFEST } from './manifest';
import { dispatchServices, type DispatchServices } from './dispatcher-state';

/** Turns pushes, index changes, ended builds, outside image pushes and RPM updates into ordered builds. */
export const dispatchFunction: FunctionDefinition<DispatchServices> = {
  name: FUNCTION_NAME,
  accepts: DISPATCH_MANIFEST.accepts,
  handle,
  services: dispatchServices,
};

export { onIndexChanged, FIRST_BUILD, CONFIGURATION_UPDATE, type IndexRequestData } from './on-index-changed';

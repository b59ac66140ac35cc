import type { Config } from '../../shared/config/config';
import { createFunctionContext, type ContextOptions } from '../../shared/function/context';
import { withServices } from '../../shared/function/services';
import type { FunctionDefinition, ServiceContext } from '../../shared/function/types';
import type { Logger } from '../../shared/log/logger';

/**
 * The context a handler of `definition` gets in a process: a real base context (store, index
 * lookups, git cache) with the function's own services made from it, as the function server and
 * the in-process broker build it. For tests that call a handler directly.
 */
export async function functionContext<S extends object>(
  definition: FunctionDefinition<S>,
  config: Config,
  log: Logger,
  options: ContextOptions = {},
): Promise<ServiceContext<S>> {
  return withServices(definition, await createFunctionContext(config, log, options)).context;
}

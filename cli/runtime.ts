import path from 'node:path';
import { createFunctionContext } from '../functions/context';
import { FUNCTIONS } from '../functions/api';
import type { FunctionContext } from '../functions/types';
import type { Config } from '../shared/config/config';
import { packageRoot } from '../shared/config/package-root';
import type { ProjectEntry } from '../shared/index/types';
import type { Logger } from '../shared/log/logger';
import { InProcessBroker, loadTriggers } from '../shared/runtime';

export interface EmbeddedRuntime {
  broker: InProcessBroker;
  context: FunctionContext;
}

/**
 * The embedded default: every function of the service in this process, behind the in-process
 * broker that routes by the very Trigger manifests of `eventing/` that the cluster applies.
 */
export async function startEmbeddedRuntime(config: Config, log: Logger, projects?: readonly ProjectEntry[]): Promise<EmbeddedRuntime> {
  const context = await createFunctionContext(config, log, { projects });
  const routes = await loadTriggers(path.join(packageRoot(), 'eventing'));
  const broker = new InProcessBroker({
    routes,
    functions: [...FUNCTIONS.values()],
    context: (definition) => ({ ...context, log: log.child({ fn: definition.name }) }),
    store: context.store,
    logger: log,
  });
  return { broker, context };
}

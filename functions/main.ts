import { loadConfig } from '../shared/config/config';
import { ValidationError } from '../shared/errors/validation-error';
import { serveFunctionFromEnv, type RunningServer } from '../shared/host';
import { installProcessGuard } from '../shared/host/process-guard';
import { createLogger, type Logger } from '../shared/log/logger';
import { FUNCTIONS } from './api';
import { createFunctionContext } from './context';
import type { FunctionDefinition } from './types';

export interface EntryOptions {
  /** Where the JSON log lines go; stdout by default, which Knative collects. */
  write?: (line: string) => void;
}

export type ServingFunction = RunningServer & { definition: FunctionDefinition };

/**
 * The container entry of the one image: serves the function that `FUNCTION` names (every
 * Knative Service `ccp-<name>` runs the same image with its own `FUNCTION`) on `PORT`, with its
 * context built from the `CCP_*` variables and JSON log lines on stdout carrying `fn`. Rejects
 * with a {@link ValidationError} naming the variable or setting that is missing or wrong.
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export function start(env: NodeJS.ProcessEnv = process.env, options: EntryOptions = {}): Promise<ServingFunction> {
  const log = entryLogger(options);
  return serveFunctionFromEnv({
    functions: [...FUNCTIONS.values()],
    env,
    // Read the configuration once FUNCTION is known good, so the first error is the first mistake.
    // The chosen function's module (and only its) is loaded before the server listens, so
    // readiness means the first event is handled without loading anything more.
    createContext: (definition) => {
      FUNCTIONS.get(definition.name)?.load();
      return createFunctionContext(loadConfig({}, env), log.child({ fn: definition.name }));
    },
  });
}

/**
 * {@link start}, or one `cannot start` log line with the reason (and each bad variable in
 * `errors`) and `null`, for the process to exit 1.
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export async function run(env: NodeJS.ProcessEnv = process.env, options: EntryOptions = {}): Promise<ServingFunction | null> {
  try {
    return await start(env, options);
  } catch (error) {
    entryLogger(options).error('cannot start', { fn: env.FUNCTION, error, ...(error instanceof ValidationError ? { errors: error.errors } : {}) });
    return null;
  }
}

function entryLogger(options: EntryOptions): Logger {
  return createLogger({ write: options.write ?? ((line) => process.stdout.write(`${line}\n`)) });
}

if (require.main === module) {
  // No single event takes the Service down: an error a handler leaves uncaught fails its request.
  installProcessGuard(entryLogger({}));
  void run().then((server) => {
    if (!server) {
      process.exitCode = 1;
      return;
    }
    // Knative sends SIGTERM when it scales the Service down: finish what is in flight, then exit.
    process.once('SIGTERM', () => void server.close().finally(() => process.exit(0)));
  });
}

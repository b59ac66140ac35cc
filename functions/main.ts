import { loadConfig } from '../shared/config/config';
import { ValidationError, type Issue } from '../shared/errors/validation-error';
// Straight from their modules: the host index would load the broker ingress and report routes too.
import type { RunningServer } from '../shared/host/listen';
import { serveFunctionFromEnv } from '../shared/host/serve-from-env';
import { DeliveryGate } from '../shared/host/drain';
import { CORE, readEnv } from '../shared/config/settings';
import { installProcessGuard } from '../shared/host/process-guard';
import { createLogger, type Logger } from '../shared/log/logger';
import { FUNCTIONS } from './api';
import { createFunctionContext } from '../shared/function/context';
import type { FunctionDefinition } from '../shared/function/types';

export interface EntryOptions {
  /** Where the JSON log lines go; stdout by default, which Knative collects. */
  write?: (line: string) => void;
}

export type ServingFunction = RunningServer & {
  definition: FunctionDefinition;
  /**
   * Scale-down: new deliveries get 503 from now on, those in flight may finish within
   * `CCP_DRAIN_GRACE_SECONDS` (30 s, Knative's default grace period), then the server closes.
   * Resolves with the number of deliveries abandoned at the deadline (0 when all finished).
   */
  drain(): Promise<number>;
};

/**
 * The container entry of the one image: serves the function that `FUNCTION` names (every
 * Knative Service `ccp-<name>` runs the same image with its own `FUNCTION`) on `PORT`, with its
 * context built from the `CCP_*` variables and JSON log lines on stdout carrying `fn`. Rejects
 * with a {@link ValidationError} naming the variable or setting that is missing or wrong.
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export function start(env: NodeJS.ProcessEnv = process.env, options: EntryOptions = {}): Promise<ServingFunction> {
  const log = entryLogger(options);
  const graceMs = drainGraceMs(env);
  const gate = new DeliveryGate();
  const serving = serveFunctionFromEnv({
    functions: [...FUNCTIONS.values()],
    env,
    gate,
    // Read the configuration once FUNCTION is known good, so the first error is the first mistake.
    // The chosen function's module (and only its) is loaded before the server listens; the
    // packages its parsers and clients need (yaml, dockerfile-ast, the AWS SDK…) and prom-client
    // load when first used (shared/lazy/packages, shared/metrics/deferred), so readiness does
    // not wait for them and the first event does.
    createContext: (definition) => {
      FUNCTIONS.get(definition.name)?.load();
      return createFunctionContext(loadConfig({}, env), log.child({ fn: definition.name }));
    },
  });
  return serving.then((server) => ({
    ...server,
    async drain() {
      log.info('draining', { fn: server.definition.name, inFlight: gate.inFlight, graceMs });
      const abandoned = await gate.close(graceMs);
      if (abandoned > 0) log.warn('grace period over, deliveries abandoned', { fn: server.definition.name, abandoned, graceMs });
      // Idle keep-alive connections are dropped; a hung one must not keep the process past its grace.
      await Promise.race([server.close(), new Promise((done) => setTimeout(done, 1_000).unref())]);
      // Nothing is delivered any more: what the function's services hold (running builds) is released.
      await server.disposeServices().catch((error: unknown) => log.warn('services not released', { fn: server.definition.name, error }));
      return abandoned;
    },
  }));
}

/** `CCP_DRAIN_GRACE_SECONDS`: how long in-flight deliveries may run on after SIGTERM. */
function drainGraceMs(env: NodeJS.ProcessEnv): number {
  const issues: Issue[] = [];
  const seconds = readEnv(CORE.drainGraceSeconds, env, issues);
  if (issues.length > 0) throw new ValidationError('invalid drain grace period', issues);
  return seconds * 1000;
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

/**
 * The process of a Knative Service: {@link run} with the process guard, exit code 1 when it
 * cannot start, and the drain on SIGTERM. Called when this module is the process's main one,
 * or by the image's entry `dist/functions/main.js`, which loads the function's bundle (see
 * scripts/bundle-functions) and calls it.
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export function main(): void {
  // No single event takes the Service down: an error a handler leaves uncaught fails its request.
  installProcessGuard(entryLogger({}));
  void run().then((server) => {
    if (!server) {
      process.exitCode = 1;
      return;
    }
    // Knative sends SIGTERM when it scales the Service down: refuse new deliveries (503), let
    // those in flight finish within the grace period, then exit (1 when some had to be abandoned).
    process.once(
      'SIGTERM',
      () =>
        void server.drain().then(
          (abandoned) => process.exit(abandoned > 0 ? 1 : 0),
          () => process.exit(1),
        ),
    );
  });
}

if (require.main === module) main();

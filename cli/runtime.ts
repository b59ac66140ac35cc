import path from 'node:path';
import { buildFunction, type BuildService } from '../functions/build';
import { createFunctionContext } from '../shared/function/context';
import { FUNCTIONS } from '../functions/api';
import type { FunctionContext } from '../shared/function/types';
import type { Config } from '../shared/config/config';
import { packageRoot } from '../shared/config/package-root';
import type { RunningServer } from '../shared/host/listen';
import type { ProjectEntry } from '../shared/index/types';
import type { Logger } from '../shared/log/logger';
import { freePort, startLocalRegistry, type LocalRegistry } from '../shared/registry/local-registry';
import { InProcessBroker } from '../shared/runtime/in-process-broker';
import { loadTriggers } from '../shared/runtime/load-triggers';
import { recoverAtStart, stopCleanly } from './runtime-recovery';
import { endAbandonedBuilds } from './end-abandoned-builds';
import { serveRuntime } from './serve-runtime';

export interface EmbeddedRuntime {
  broker: InProcessBroker;
  context: FunctionContext;
  /** The build function's service: its queue, and the progress of every build. */
  builds: BuildService;
  /** The registry this runtime started (none when `config.registry` names one); its `access` carries its login. */
  registry: LocalRegistry | null;
  /** Stops the registry it started; builds still running are aborted. */
  close(): Promise<void>;
}

export interface EmbeddedRuntimeOptions {
  /** Entries known up front (`ccp run` has loaded the index already). */
  projects?: readonly ProjectEntry[];
  /** Where the started registry posts its push notifications: the runtime's HTTP door. */
  notificationsUrl?: string;
  /** Start Debian's docker-registry under `<data-dir>/registry` when `config.registry` is empty; true by default. */
  localRegistry?: boolean;
}

/**
 * The embedded default: every function of the service in this process, behind the in-process
 * broker that routes by the very Trigger manifests of `eventing/` that the cluster applies, and
 * a local registry (unless one is configured) that builds push to.
 */
export async function startEmbeddedRuntime(
  config: Config,
  log: Logger,
  options: readonly ProjectEntry[] | EmbeddedRuntimeOptions = {},
): Promise<EmbeddedRuntime> {
  const settings: EmbeddedRuntimeOptions = Array.isArray(options) ? { projects: options } : (options as EmbeddedRuntimeOptions);
  // Taken first: what the data dir holds of a process that is gone is then ours to clean and replay.
  const recovery = await recoverAtStart(config, log);
  const registry =
    !config.registry && settings.localRegistry !== false
      ? await startLocalRegistry({ dir: path.join(config.dataDir, 'registry'), notificationsUrl: settings.notificationsUrl, login: true })
      : null;
  try {
    // Builds run code that can reach 127.0.0.1: the registry asks for its login, which the
    // functions (pushes, scans, the dispatcher) get here and nothing run from a repository sees.
    const effective: Config = registry ? { ...config, registry: registry.address, ...(registry.login ? { registryAuth: registry.login } : {}) } : config;
    const context = await createFunctionContext(effective, log, { projects: settings.projects });
    const routes = await loadTriggers(path.join(packageRoot(), 'eventing'));
    const broker = new InProcessBroker({
      routes,
      functions: [...FUNCTIONS.values()],
      context: (definition) => ({ ...context, log: log.child({ fn: definition.name }) }),
      store: context.store,
      logger: log,
      chaos: config.runtime.chaos,
    });
    endAbandonedBuilds(broker, context, log);
    // The build function's context, made now, carries the build queue the CLI follows.
    const { builds } = await broker.contextOf(buildFunction);
    await recovery.resume(broker, context.store);
    return {
      broker,
      context,
      builds,
      registry,
      async close() {
        // Running builds are aborted (the build function's services), then waited for.
        await broker.disposeServices();
        await stopCleanly(builds, recovery, log);
        await registry?.stop();
        await recovery.release();
      },
    };
  } catch (error) {
    await registry?.stop();
    await recovery.release();
    throw error;
  }
}

/** A runtime and its HTTP door, started together. */
export interface ServedRuntime {
  runtime: EmbeddedRuntime;
  server: RunningServer;
  /** Closes the door, then the runtime. */
  close(): Promise<void>;
}

/**
 * Starts the runtime with its HTTP door on `127.0.0.1:port` (0 picks one). The port is chosen
 * before the registry starts, so that the registry's push notifications reach
 * `POST /registry/notifications` of this very door.
 */
export async function startServedRuntime(config: Config, log: Logger, options: { port: number; projects?: readonly ProjectEntry[] }): Promise<ServedRuntime> {
  const port = options.port || (await freePort());
  const runtime = await startEmbeddedRuntime(config, log, { projects: options.projects, notificationsUrl: `http://127.0.0.1:${port}/registry/notifications` });
  let server: RunningServer;
  try {
    server = await serveRuntime(runtime, { port, log });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return {
    runtime,
    server,
    async close() {
      await server.close();
      await runtime.close();
    },
  };
}

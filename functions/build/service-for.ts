import { createBuilder } from './builders/api';
import { configuredSecrets } from '../../shared/builds';
import type { Config } from '../../shared/config/config';
import { registryAccess } from '../../shared/registry/pipeline-registry';
import type { FunctionContext } from '../../shared/function/types';
import { cleanLeftovers } from '../../shared/runtime/leftovers';
import { BuildService } from './service';

export { registryAccess };

const services = new WeakMap<Config, BuildService>();

/**
 * The build service of this process for the configuration `context` carries: made on first
 * use with the backend the configuration selects (`CCP_BUILDER`: `local` by default,
 * `kubernetes` in the cluster; see functions/build/builders/api.ts), then shared by every delivery so that one
 * queue sees every build. The embedded runtime and tests may install their own with
 * {@link useBuildService}.
 */
export function buildServiceFor(context: FunctionContext): BuildService {
  let service = services.get(context.config);
  if (!service) {
    const registry = registryAccess(context.config);
    service = new BuildService({
      store: context.store,
      log: context.log,
      builder: createBuilder(context.config),
      registry,
      concurrency: context.config.build?.concurrency ?? 2,
      secrets: configuredSecrets(context.config, [registry?.password]),
      // Mounts stay: other builds may run; the runtime unmounts at its start and stop.
      sweep: (keep) => cleanLeftovers({ workDir: context.config.workDir, storeRoot: null, buildah: null }, { keep }),
    });
    services.set(context.config, service);
  }
  return service;
}

/** Makes `service` the one that contexts with `config` use. */
export function useBuildService(config: Config, service: BuildService): void {
  services.set(config, service);
}

/** The service already made for `config`, if any (the CLI follows its progress). */
export function existingBuildService(config: Config): BuildService | null {
  return services.get(config) ?? null;
}

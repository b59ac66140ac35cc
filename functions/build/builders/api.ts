import path from 'node:path';
import type { Config } from '../../../shared/config/config';
import type { BuilderKind } from '../../../shared/config/build-settings';
import type { KubernetesBuilderOptions } from './kubernetes';
import type { PrebuildSandbox } from './local/prebuild';
import type { Builder } from '../../../shared/builds/builder-types';
import { registryAccess } from '../../../shared/registry/pipeline-registry';

/** The part of the configuration backends are made from. */
export type BuilderConfig = Pick<
  Config,
  'dataDir' | 'workDir' | 'builder' | 'buildah' | 'kubernetes' | 'prebuild' | 'registry' | 'registryAuth' | 'registryTlsVerify'
>;

/** Extras for a backend: a cluster connection (tests point it at a local fake API server). */
export type BuilderOptions = KubernetesBuilderOptions;

type BuilderFactory = (config: BuilderConfig, options: BuilderOptions) => Builder;

/* eslint-disable @typescript-eslint/no-require-imports -- each backend's module is loaded when it is made, see below */
/**
 * Every build backend by id (renovate-style registry; one folder per backend). The local
 * backend's build folders go under `<workDir>/builds`. A backend's module is required only when
 * it is made: `@kubernetes/client-node` alone takes about a second to load, which every process
 * that never builds in a cluster (lint, scan, the local backend) would pay at start otherwise.
 * @see ./readme.md
 */
export const BUILDERS: ReadonlyMap<BuilderKind, BuilderFactory> = new Map<BuilderKind, BuilderFactory>([
  [
    'local',
    (config) =>
      (require('./local') as typeof import('./local')).createLocalBuilder({
        workDir: path.join(config.workDir, 'builds'),
        buildah: config.buildah,
        sandbox: prebuildSandbox(config),
      }),
  ],
  [
    'kubernetes',
    // The pipeline's registry, with the function's own login, is asked for the base image's digest when a Job ends.
    (config, options) =>
      (require('./kubernetes') as typeof import('./kubernetes')).createKubernetesBuilder(config.kubernetes, {
        registry: registryAccess(config),
        ...options,
      }),
  ],
]);
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The backend `config.builder` (`CCP_BUILDER`, `local` by default) names.
 * @see ../../../shared/config/config.ts
 */
export function createBuilder(config: BuilderConfig, options: BuilderOptions = {}): Builder {
  const id = config.builder;
  const factory = BUILDERS.get(id);
  if (!factory) throw new TypeError(`no build backend "${id}"; known: ${[...BUILDERS.keys()].join(', ')}`);
  return factory(config, options);
}

/** The prebuild sandbox never shows the data dir, the work dir or buildah's storage, wherever they are. */
function prebuildSandbox(config: BuilderConfig): PrebuildSandbox {
  return { ...config.prebuild, hide: [config.dataDir, config.workDir, config.buildah.root, config.buildah.runroot] };
}

import path from 'node:path';
import type { Issue } from '../errors/validation-error';

export type BuilderKind = 'local' | 'kubernetes';

/** The local backend's image storage; never the host's default `/var/lib/containers`. */
export interface BuildahSettings {
  root: string;
  runroot: string;
  /** Forced driver; absent means overlay where it works, vfs otherwise (probed once). */
  storageDriver?: 'overlay' | 'vfs';
}

/** Where and how the kubernetes backend runs build Jobs. */
export interface KubernetesBuildSettings {
  namespace: string;
  /** Runs the prebuild and `buildah bud` + `push`: needs buildah, sh and coreutils' `timeout`. */
  image: string;
  /** Runs the shallow checkout: needs git and sh. */
  gitImage: string;
  /** The build pods' ServiceAccount (`ccp-build-job` in deploy/base/rbac.yaml: no API rights). */
  serviceAccount: string;
  /** Name of the `kubernetes.io/dockerconfigjson` Secret the build pod pulls and pushes with (`CCP_K8S_REGISTRY_CREDENTIALS`: a name, not a secret); none when the registry is open. */
  registrySecret?: string;
}

export const BUILDER_ENV = {
  builder: 'CCP_BUILDER',
  buildahRoot: 'CCP_BUILDAH_ROOT',
  buildahRunroot: 'CCP_BUILDAH_RUNROOT',
  buildahStorageDriver: 'CCP_BUILDAH_STORAGE_DRIVER',
  namespace: 'CCP_K8S_NAMESPACE',
  image: 'CCP_K8S_BUILD_IMAGE',
  gitImage: 'CCP_K8S_GIT_IMAGE',
  serviceAccount: 'CCP_K8S_SERVICE_ACCOUNT',
  registrySecret: 'CCP_K8S_REGISTRY_CREDENTIALS',
} as const;

/** The config file's `builder:`, `buildah:` and `kubernetes:` keys. */
export interface BuilderFileSettings {
  builder?: string;
  buildah?: Partial<BuildahSettings>;
  kubernetes?: Partial<KubernetesBuildSettings>;
}

export const DEFAULT_BUILD_IMAGE = 'quay.io/buildah/stable:v1.28.2';
export const DEFAULT_GIT_IMAGE = 'docker.io/alpine/git:v2.45.2';

/**
 * The build backend settings from `CCP_BUILDER`, `CCP_BUILDAH_*`, `CCP_K8S_*` and the config
 * file, with defaults under the data dir; problems are added to `issues` with their field.
 */
export function loadBuilderSettings(
  file: BuilderFileSettings,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  where: { file?: string },
  issues: Issue[],
): { builder: BuilderKind; buildah: BuildahSettings; kubernetes: KubernetesBuildSettings } {
  const builder = env[BUILDER_ENV.builder] ?? file.builder ?? 'local';
  if (builder !== 'local' && builder !== 'kubernetes') issues.push({ ...where, field: 'builder', message: `must be "local" or "kubernetes", not "${builder}" (${BUILDER_ENV.builder})` });
  const driver = env[BUILDER_ENV.buildahStorageDriver] ?? file.buildah?.storageDriver;
  if (driver !== undefined && driver !== '' && driver !== 'overlay' && driver !== 'vfs') {
    issues.push({ ...where, field: 'buildah.storageDriver', message: `must be "overlay" or "vfs", not "${driver}" (${BUILDER_ENV.buildahStorageDriver})` });
  }
  const registrySecret = env[BUILDER_ENV.registrySecret] ?? file.kubernetes?.registrySecret;
  return {
    builder: builder === 'kubernetes' ? 'kubernetes' : 'local',
    buildah: {
      root: path.resolve(env[BUILDER_ENV.buildahRoot] ?? file.buildah?.root ?? path.join(dataDir, 'buildah', 'storage')),
      runroot: path.resolve(env[BUILDER_ENV.buildahRunroot] ?? file.buildah?.runroot ?? path.join(dataDir, 'buildah', 'run')),
      ...(driver === 'overlay' || driver === 'vfs' ? { storageDriver: driver } : {}),
    },
    kubernetes: {
      namespace: env[BUILDER_ENV.namespace] ?? file.kubernetes?.namespace ?? 'ccp',
      image: env[BUILDER_ENV.image] ?? file.kubernetes?.image ?? DEFAULT_BUILD_IMAGE,
      gitImage: env[BUILDER_ENV.gitImage] ?? file.kubernetes?.gitImage ?? DEFAULT_GIT_IMAGE,
      serviceAccount: env[BUILDER_ENV.serviceAccount] ?? file.kubernetes?.serviceAccount ?? 'ccp-build-job',
      ...(registrySecret ? { registrySecret } : {}),
    },
  };
}

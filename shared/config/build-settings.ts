import path from 'node:path';
import type { Issue } from '../errors/validation-error';
import { BUILD, read } from './settings';
import type { BuilderKind } from './settings/build';

export type { BuilderKind };

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
  builder: BUILD.builder.env!,
  buildahRoot: BUILD.buildahRoot.env!,
  buildahRunroot: BUILD.buildahRunroot.env!,
  buildahStorageDriver: BUILD.buildahStorageDriver.env!,
  namespace: BUILD.k8sNamespace.env!,
  image: BUILD.k8sBuildImage.env!,
  gitImage: BUILD.k8sGitImage.env!,
  serviceAccount: BUILD.k8sServiceAccount.env!,
  registrySecret: BUILD.k8sRegistryCredentials.env!,
};

/** The config file's `builder:`, `buildah:` and `kubernetes:` keys. */
export interface BuilderFileSettings {
  builder?: string;
  buildah?: Partial<BuildahSettings>;
  kubernetes?: Partial<KubernetesBuildSettings>;
}

export const DEFAULT_BUILD_IMAGE = BUILD.k8sBuildImage.default;
export const DEFAULT_GIT_IMAGE = BUILD.k8sGitImage.default;

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
  const source = { env, file, where, issues };
  const storageDriver = read(BUILD.buildahStorageDriver, source);
  const registrySecret = read(BUILD.k8sRegistryCredentials, source);
  return {
    builder: read(BUILD.builder, source),
    buildah: {
      root: path.resolve(read(BUILD.buildahRoot, source) ?? path.join(dataDir, 'buildah', 'storage')),
      runroot: path.resolve(read(BUILD.buildahRunroot, source) ?? path.join(dataDir, 'buildah', 'run')),
      ...(storageDriver ? { storageDriver } : {}),
    },
    kubernetes: {
      namespace: read(BUILD.k8sNamespace, source),
      image: read(BUILD.k8sBuildImage, source),
      gitImage: read(BUILD.k8sGitImage, source),
      serviceAccount: read(BUILD.k8sServiceAccount, source),
      ...(registrySecret ? { registrySecret } : {}),
    },
  };
}

import type { RegistryAccess } from '../../../shared/builds/builder-types';

/** A file to put into a root filesystem or an RPM. */
export interface FileSpec {
  /** Absolute path inside the image, e.g. `/etc/motd`. */
  path: string;
  content: string;
  /** Octal permission bits; 0o644 by default. */
  mode?: number;
}

/** A small RPM that `buildRpm` makes with `rpmbuild`. */
export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch: 'noarch';
  summary?: string;
  /** Files it installs; `config: true` marks `%config(noreplace)`, as `rpm -Va` shows with `c`. */
  files: Array<FileSpec & { config?: boolean }>;
}

/** The image configuration that `buildah config` would set. */
export interface ImageConfig {
  labels?: Record<string, string>;
  /** `NAME=value` entries. */
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  user?: string;
  workingDir?: string;
}

/** How to make a root filesystem without the internet. */
export type RootfsRecipe =
  | { kind: 'busybox'; files?: FileSpec[] }
  | {
      kind: 'rpm';
      rpms: RpmSpec[];
      /** `/etc/yum.repos.d/<name>` → content. */
      repos?: Record<string, string>;
      files?: FileSpec[];
    };

/** Everything that decides an image: what the cache keys on. */
export interface ImageRecipe {
  rootfs: RootfsRecipe;
  config?: ImageConfig;
}

/** Where an image goes: `ns/name:tag` in a registry (`host:port`, or its full access). */
export interface ImageTarget {
  ref: string;
  registry: string | RegistryAccess;
}

/** An image in a registry. */
export interface PushedImage {
  /** `host:port/ns/name:tag`. */
  ref: string;
  /** `sha256:…` of the manifest. */
  digest: string;
}

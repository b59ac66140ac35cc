import type { BaseImageDigest, RegistryAccess } from '../../../shared/builds/builder-types';
import { RegistryClient } from '../../../shared/registry/registry-client';
import { parseImageReference } from '../../../shared/registry/reference';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** What `ref`'s registry serves for it now: the image manifest's digest and its config's (null when it cannot be asked). */
export type CurrentManifest = (ref: string) => Promise<{ digest: string; configDigest: string } | null>;

/**
 * The base image of a build as buildah's storage describes it, whichever backend ran buildah:
 * the name buildah's `org.opencontainers.image.base.name` annotation gives, and that image's
 * manifest digest and full id (its config's digest) in the build's storage, when known.
 */
export interface BuiltBase {
  name: string;
  storageDigest?: string;
  imageId?: string;
}

/**
 * The parent image a build actually used, at a manifest digest its registry serves: the
 * digest the registry serves for the base's name now when that manifest's config is the very
 * config of the base in buildah's storage (the same image, whatever manifest bytes each side
 * holds), else the digest in buildah's storage. Neither buildah digest alone will do: for a
 * parent built in the same storage and then pushed, both `buildah images` and buildah's
 * `org.opencontainers.image.base.digest` name manifests buildah made locally, which the registry
 * never had. A lookup that fails or throws leaves the storage's digest; no base (an image `FROM
 * scratch`) or no valid digest at all gives an empty list.
 * @see https://github.com/opencontainers/image-spec/blob/main/annotations.md
 * @see https://github.com/opencontainers/image-spec/blob/main/config.md#imageid
 */
export async function baseImageDigests(base: BuiltBase | null, current: CurrentManifest): Promise<BaseImageDigest[]> {
  if (!base?.name) return [];
  const imageId = base.imageId === undefined ? null : fullImageId(base.imageId);
  const served = imageId ? await current(base.name).catch(() => null) : null;
  if (served && served.configDigest === imageId && DIGEST.test(served.digest)) return [{ ref: base.name, digest: served.digest }];
  return base.storageDigest && DIGEST.test(base.storageDigest) ? [{ ref: base.name, digest: base.storageDigest }] : [];
}

/**
 * A storage image id as buildah writes it (`sha256:<hex>` or bare hex) → the config digest it
 * is; `null` when it is neither.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-images.1.md
 */
export function fullImageId(id: string): string | null {
  const full = id.startsWith('sha256:') ? id : `sha256:${id}`;
  return DIGEST.test(full) ? full : null;
}

/**
 * The {@link CurrentManifest} of the pipeline's registry only, with the function's own login
 * for it: a base on any other registry (docker.io, quay.io) is not asked for (`null`: the
 * storage's digest stands), so neither the password nor a request goes anywhere a Dockerfile
 * names. Any failure (not served, refused, unreachable, bad reference) answers `null`.
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */
export function pipelineManifestLookup(registry: RegistryAccess): CurrentManifest {
  const credentials = registry.username && registry.password ? { username: registry.username, password: registry.password } : undefined;
  const client = new RegistryClient({
    allowedRegistries: [registry.address],
    ...(credentials ? { credentials } : {}),
    ...(registry.tlsVerify ? {} : { insecureRegistries: [registry.address] }),
    timeoutMs: 10_000,
  });
  return async (ref) => {
    try {
      const parsed = parseImageReference(ref);
      if (!client.allows(parsed.registry)) return null;
      const { digest, manifest } = await client.resolveManifest(parsed);
      return { digest, configDigest: manifest.config.digest };
    } catch {
      // The registry could not say: the storage's digest stands.
      return null;
    }
  };
}

import { readFile } from 'node:fs/promises';
import type { RegistryAccess } from '../../../shared/builds/builder-types';
import { pushBlob, pushManifest, pushTarget, RegistryPushError } from '../../../shared/registry/registry-push';
import { blobPath, readOciImage } from './oci-layout';
import type { PushedImage } from './types';

/**
 * Pushes the image of an OCI layout to `registry` as `repository:tag` with the distribution
 * HTTP API: each blob the registry lacks, then the manifest. HTTP when `tlsVerify` is off; Basic auth when
 * credentials are given. Returns the digest the registry reports, checked against the manifest's.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.0.1/spec.md#push
 */
export async function pushOciLayout(layoutDir: string, registry: RegistryAccess, repository: string, tag: string): Promise<PushedImage> {
  const target = pushTarget(`${registry.tlsVerify ? 'https' : 'http'}://${registry.address}`, repository, registry);
  const image = await readOciImage(layoutDir);
  for (const blob of image.blobs) await pushBlob(target, await readFile(blobPath(layoutDir, blob.digest)), { skipExisting: true });
  const digest = await pushManifest(target, tag, image.manifestBytes, image.manifest.mediaType);
  if (digest !== image.manifest.digest) throw new RegistryPushError(`registry stored ${repository}:${tag} as ${digest}, expected ${image.manifest.digest}`);
  return { ref: `${registry.address}/${repository}:${tag}`, digest };
}

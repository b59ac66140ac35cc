import { gzipSync } from 'node:zlib';
import { MEDIA_TYPES } from '../../../../shared/registry/manifest';
import { pushBlob, pushManifest, pushTarget } from '../../../../shared/registry/registry-push';
import type { LocalRegistry } from '../../../../shared/registry/local-registry';

/** An image as the registry serves it: the manifest's digest and its config's (the image id buildah's storage gives it). */
export interface PushedImage {
  ref: string;
  digest: string;
  configDigest: string;
}

/**
 * Pushes a one-layer linux/amd64 OCI image (an empty gzip tar layer, a config that names
 * `label`) as `<repository>:<tag>` to a real registry, with the registry's login when it has one.
 */
export async function pushImage(registry: LocalRegistry, repository: string, tag: string, label: string): Promise<PushedImage> {
  const target = pushTarget(registry.url, repository, registry.login ?? undefined);
  const layer = gzipSync(Buffer.alloc(1024));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { label } }, rootfs: { type: 'layers', diff_ids: [] } }));
  const configDigest = await pushBlob(target, config);
  const layerDigest = await pushBlob(target, layer);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  });
  const digest = await pushManifest(target, tag, manifest, MEDIA_TYPES.ociManifest);
  return { ref: `${registry.address}/${repository}:${tag}`, digest, configDigest };
}

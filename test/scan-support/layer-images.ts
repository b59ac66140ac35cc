import { gzipSync } from 'node:zlib';
import { pack, type Headers } from 'tar-stream';
import { pushBlob, pushManifest, pushTarget } from '../../shared/registry/registry-push';

/** One tar entry of a hand-made layer. */
export type LayerEntry = Partial<Headers> & { name: string; content?: string };

/** An uncompressed tar of these entries, exactly in this order (tar-stream's pack). */
export async function tarOf(entries: LayerEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const { content, ...header } of entries) {
    const type = header.type ?? 'file';
    await new Promise<void>((resolve, reject) =>
      archive.entry(
        { mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date('2024-01-01T00:00:00Z'), uid: 0, gid: 0, ...header, type },
        type === 'file' ? (content ?? '') : undefined,
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A gzip layer of these entries. */
export async function gzipLayer(entries: LayerEntry[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

export interface PushedLayers {
  digest: string;
  layerDigests: string[];
  configDigest: string;
}

/**
 * Pushes an image of ready-made layer blobs (gzip, zstd or plain tar) and a config with the
 * registry HTTP API, as a client would; `manifestSizes` can claim other layer sizes than the
 * real ones (for the disk bound).
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs
 */
export async function pushLayers(
  registryUrl: string,
  repository: string,
  tag: string,
  layers: { body: Buffer; mediaType?: string; claimedSize?: number }[],
  config: Record<string, unknown> = {},
): Promise<PushedLayers> {
  const target = pushTarget(registryUrl, repository);
  const layerDigests: string[] = [];
  for (const layer of layers) layerDigests.push(await pushBlob(target, layer.body));
  const configBody = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config }));
  const configDigest = await pushBlob(target, configBody);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBody.length },
    layers: layers.map((layer, i) => ({
      mediaType: layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: layerDigests[i],
      size: layer.claimedSize ?? layer.body.length,
    })),
  });
  const digest = await putManifest(registryUrl, repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return { digest, layerDigests, configDigest };
}

/** Puts a manifest (or index) document under a tag; returns its digest. */
export function putManifest(registryUrl: string, repository: string, tag: string, body: string, mediaType: string): Promise<string> {
  return pushManifest(pushTarget(registryUrl, repository), tag, body, mediaType);
}

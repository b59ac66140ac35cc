import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack, type Headers } from 'tar-stream';

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
      archive.entry({ mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date('2024-01-01T00:00:00Z'), uid: 0, gid: 0, ...header, type }, type === 'file' ? content ?? '' : undefined, (error) =>
        error ? reject(error) : resolve(),
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

const sha256 = (body: Buffer): string => `sha256:${createHash('sha256').update(body).digest('hex')}`;

async function uploadBlob(registryUrl: string, repository: string, body: Buffer): Promise<string> {
  const digest = sha256(body);
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location')!, registryUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return digest;
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
  const layerDigests: string[] = [];
  for (const layer of layers) layerDigests.push(await uploadBlob(registryUrl, repository, layer.body));
  const configBody = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config }));
  const configDigest = await uploadBlob(registryUrl, repository, configBody);
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
export async function putManifest(registryUrl: string, repository: string, tag: string, body: string, mediaType: string): Promise<string> {
  const put = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
  if (put.status !== 201) throw new Error(`manifest put: HTTP ${put.status} ${await put.text()}`);
  return put.headers.get('docker-content-digest')!;
}

import { readFile } from 'node:fs/promises';
import type { RegistryAccess } from '../../../shared/builds/builder-types';
import { blobPath, readOciImage } from './oci-layout';
import type { PushedImage } from './types';

/** The registry refused or failed a request of a push. */
export class RegistryPushError extends Error {
  override readonly name = 'RegistryPushError';
}

/**
 * Pushes the image of an OCI layout to `registry` as `repository:tag` with the distribution
 * HTTP API: each blob unless the registry has it (HEAD), by a monolithic upload (POST then PUT
 * with `digest`), then the manifest. HTTP when `tlsVerify` is off; Basic auth when credentials
 * are given. Returns the digest the registry reports, checked against the manifest's.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.0.1/spec.md#push
 */
export async function pushOciLayout(layoutDir: string, registry: RegistryAccess, repository: string, tag: string): Promise<PushedImage> {
  const base = `${registry.tlsVerify ? 'https' : 'http'}://${registry.address}/v2/${repository}`;
  const headers: Record<string, string> = registry.username ? { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password ?? ''}`).toString('base64')}` } : {};
  const image = await readOciImage(layoutDir);
  for (const blob of image.blobs) {
    const head = await fetch(`${base}/blobs/${blob.digest}`, { method: 'HEAD', headers });
    if (head.status === 200) continue;
    const started = await expect(await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers }), 202, `start upload of ${blob.digest}`);
    const location = new URL(started.headers.get('location') ?? '', `${base}/`);
    location.searchParams.set('digest', blob.digest);
    const body = await readFile(blobPath(layoutDir, blob.digest));
    await expect(await fetch(location, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body }), 201, `upload of ${blob.digest}`);
  }
  const put = await expect(
    await fetch(`${base}/manifests/${tag}`, { method: 'PUT', headers: { ...headers, 'content-type': image.manifest.mediaType }, body: image.manifestBytes }),
    201,
    `manifest ${repository}:${tag}`,
  );
  const digest = put.headers.get('docker-content-digest') ?? image.manifest.digest;
  if (digest !== image.manifest.digest) throw new RegistryPushError(`registry stored ${repository}:${tag} as ${digest}, expected ${image.manifest.digest}`);
  return { ref: `${registry.address}/${repository}:${tag}`, digest };
}

async function expect(response: Response, status: number, what: string): Promise<Response> {
  if (response.status === status) {
    // Read to the end so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    return response;
  }
  const text = await response.text().catch(() => '');
  throw new RegistryPushError(`${what}: HTTP ${response.status} ${text.slice(0, 300).trim()}`);
}

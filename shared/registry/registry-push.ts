import { createHash } from 'node:crypto';

/** The registry refused or failed a request of a push. */
export class RegistryPushError extends Error {
  override readonly name = 'RegistryPushError';
}

/** One repository of a registry to push to: its `/v2/<repository>` URL and the auth headers. */
export interface PushTarget {
  base: string;
  headers: Record<string, string>;
}

/** The push target of `repository` at `registryUrl` (`http://127.0.0.1:5000`), with Basic auth when a login is given. */
export function pushTarget(registryUrl: string, repository: string, login?: { username?: string | undefined; password?: string | undefined }): PushTarget {
  const headers: Record<string, string> = login?.username
    ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password ?? ''}`).toString('base64')}` }
    : {};
  return { base: `${registryUrl.replace(/\/+$/, '')}/v2/${repository}`, headers };
}

/**
 * Pushes one blob by a monolithic upload: POST, then PUT with `digest`; with `skipExisting`, not
 * when the registry says it has it (HEAD), which a spec that deletes blobs behind the registry's
 * back must not trust. Returns its digest.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-monolithically
 */
export async function pushBlob(target: PushTarget, body: Buffer, options: { skipExisting?: boolean } = {}): Promise<string> {
  const digest = sha256(body);
  if (options.skipExisting) {
    const head = await fetch(`${target.base}/blobs/${digest}`, { method: 'HEAD', headers: target.headers });
    if (head.status === 200) return digest;
  }
  const started = await expectStatus(
    await fetch(`${target.base}/blobs/uploads/`, { method: 'POST', headers: target.headers }),
    202,
    `start upload of ${digest}`,
  );
  const location = new URL(started.headers.get('location') ?? '', `${target.base}/`);
  location.searchParams.set('digest', digest);
  await expectStatus(
    await fetch(location, { method: 'PUT', headers: { ...target.headers, 'content-type': 'application/octet-stream' }, body }),
    201,
    `upload of ${digest}`,
  );
  return digest;
}

/**
 * Puts a manifest (or index) under `tag`; returns the digest the registry reports (that of the
 * bytes when it reports none).
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests
 */
export async function pushManifest(target: PushTarget, tag: string, body: Buffer | string, mediaType: string): Promise<string> {
  const put = await expectStatus(
    await fetch(`${target.base}/manifests/${tag}`, { method: 'PUT', headers: { ...target.headers, 'content-type': mediaType }, body }),
    201,
    `manifest ${tag}`,
  );
  return put.headers.get('docker-content-digest') ?? sha256(Buffer.from(body));
}

/** `sha256:<hex>` of `body`, the digest a registry names it by. */
export function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status === status) {
    // Read to the end so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    return response;
  }
  const text = await response.text().catch(() => '');
  throw new RegistryPushError(`${what}: HTTP ${response.status} ${text.slice(0, 300).trim()}`);
}

import { createHash } from 'node:crypto';
import { formatImageReference, parseImageReference } from '../../shared/registry/reference';
import { RegistryClient } from '../../shared/registry/registry-client';
import { RegistryError } from '../../shared/registry/errors';
import { MANIFEST_ACCEPT } from '../../shared/registry/manifest';
import { describeFetchError, readBounded } from '../../shared/registry/registry-client';

/** `{digest}` when the registry has the image's tag, `null` when it does not. */
export type ImagePresence = (ref: string) => Promise<{ digest: string } | null>;

/**
 * Asks the registry whether it has `ref` with a `HEAD` of its manifest (no body is sent; the
 * digest is the `Docker-Content-Digest` header). A registry that wants authentication, or sends
 * no digest on HEAD, is asked again through the image client's GET (which answers auth
 * challenges and hashes the manifest). 404 is `null`; anything else that is not an answer throws
 * {@link RegistryError}, so the chunk is retried rather than an image called absent by mistake.
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#checking-if-content-exists-in-the-registry
 */
export function registryImagePresence(client: RegistryClient = new RegistryClient()): ImagePresence {
  return async (text) => {
    const ref = parseImageReference(text);
    // The HEAD below is a fetch of its own: the client's allow-list is checked first.
    client.checkAllowed(ref.registry);
    const url = `${client.baseUrl(ref.registry)}/v2/${ref.repository}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
    let response: Response;
    try {
      response = await fetch(url, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new RegistryError(`HEAD ${url}: ${describeFetchError(error)}`);
    }
    if (response.status === 404) return null;
    const digest = response.headers.get('docker-content-digest');
    if (response.ok && digest) return { digest };
    if (response.status !== 401 && response.status !== 405 && !response.ok) {
      throw new RegistryError(`HEAD manifest ${formatImageReference(ref)}: HTTP ${response.status}`, response.status);
    }
    const fallback = await client.get(ref, `manifests/${ref.digest ?? ref.tag ?? 'latest'}`, MANIFEST_ACCEPT);
    if (fallback.status === 404) {
      await fallback.body?.cancel();
      return null;
    }
    if (!fallback.ok) {
      await fallback.body?.cancel();
      throw new RegistryError(`GET manifest ${formatImageReference(ref)}: HTTP ${fallback.status}`, fallback.status);
    }
    const body = await readBounded(fallback, `manifest ${formatImageReference(ref)}`);
    return { digest: fallback.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}` };
  };
}

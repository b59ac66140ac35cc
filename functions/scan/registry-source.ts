import { fetchImage } from './image/fetch-image';
import { ImageNotFoundError } from '../../shared/registry/errors';
import { type RegistryClient } from '../../shared/registry/registry-client';
import type { ImageSource } from './image-source';

export interface RegistrySourceOptions {
  /** Registry (`host:port`) for references that name none. */
  defaultRegistry?: string;
  /** Registries spoken to over plain http besides loopback ones. */
  insecureRegistries?: string[];
  /** Time limit of each registry request, in milliseconds. */
  timeoutMs?: number;
  /**
   * The client to fetch with; the pipeline's registry needs its login and TLS mode, so the scan
   * function passes `registryClientFor(config)` (shared/registry/pipeline-registry.ts). When
   * given, `insecureRegistries` and `timeoutMs` are the client's own.
   */
  client?: RegistryClient;
}

/**
 * Images from their registry through `functions/scan/image`'s fetcher: by digest when one is known
 * (`ref@sha256:…`, so the scan sees exactly what was built even if the tag moved), unpacked
 * under the request's work folder within its size bound. An image the registry does not have
 * is `null` (no manifest; a manifest whose blob is missing is a `BlobMissingError`, not an absent
 * image); every other failure throws with the fetcher's typed error. A registry outside the
 * client's allow-list is refused before any connection.
 * @see ./image/fetch-image.ts
 */
export function registryImageSource(options: RegistrySourceOptions = {}): ImageSource {
  return async (request) => {
    const ref = request.digest ? `${request.ref.split('@')[0]}@${request.digest}` : request.ref;
    try {
      const image = await fetchImage(ref, {
        maxBytes: request.maxBytes,
        ...(request.maxFiles !== undefined ? { maxFiles: request.maxFiles } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        workDir: request.workDir,
        ...(options.defaultRegistry ? { defaultRegistry: options.defaultRegistry } : {}),
        ...(options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.client ? { client: options.client } : {}),
      });
      return { rootfs: image.rootfs, config: image.config, digest: image.digest, remove: () => image.cleanup() };
    } catch (error) {
      if (error instanceof ImageNotFoundError) return null;
      throw error;
    }
  };
}

import { OCI_MANIFEST_MEDIA_TYPE, type OciArtifact } from '../../../shared/attest/cosign';
import type { RegistryAccess } from '../../../shared/builds/builder-types';
import { pushBlob, pushManifest, pushTarget } from '../../../shared/registry/registry-push';

/**
 * Pushes an artifact to `<registry>/<repository>:<tag>`: each blob the registry lacks, then the
 * manifest. Plain http on loopback or with `CCP_REGISTRY_TLS_VERIFY=false`, as the functions speak
 * to the pipeline's registry; Basic auth with the pipeline's
 * registry login (a registry that wants a Bearer token refuses, and the build log says so).
 * @see https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#push
 */
export async function pushArtifact(access: RegistryAccess, repository: string, artifact: OciArtifact): Promise<string> {
  const scheme = !access.tlsVerify || /^(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(access.address) ? 'http' : 'https';
  const target = pushTarget(`${scheme}://${access.address}`, repository, access);
  for (const blob of artifact.blobs) await pushBlob(target, blob, { skipExisting: true });
  return pushManifest(target, artifact.tag, artifact.manifest, OCI_MANIFEST_MEDIA_TYPE);
}

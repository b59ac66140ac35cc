/** A content descriptor of the OCI image spec. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** An image manifest (OCI, or Docker v2 schema 2, which has the same shape). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** What a client may accept for a manifest, best first. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList].join(', ');

/** A platform to pick out of an index. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

/** Whether a manifest document is an index (OCI index or Docker manifest list). */
export function isIndex(mediaType: string | undefined, document: { manifests?: unknown }): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList || (mediaType === undefined && Array.isArray(document.manifests));
}

/**
 * The manifest of an index for `platform` (the variant compared only when asked for); null when
 * the index has none for it.
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md
 */
export function pickPlatform(manifests: Descriptor[], platform: Platform): Descriptor | null {
  return (
    manifests.find(
      (entry) =>
        entry.platform?.os === platform.os &&
        entry.platform?.architecture === platform.architecture &&
        (!platform.variant || entry.platform?.variant === platform.variant),
    ) ?? null
  );
}

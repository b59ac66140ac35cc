import { sign, type KeyObject } from 'node:crypto';
import { sha256 } from '../registry/registry-push';
import type { DsseEnvelope } from './dsse';

/** Media types and annotation keys cosign reads. @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** A blob and its OCI descriptor. */
export interface Blob {
  mediaType: string;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

/** What is pushed for one tag: the blobs, then the manifest that names them. */
export interface OciArtifact {
  tag: string;
  blobs: Buffer[];
  manifest: Buffer;
}

/** `sha256-<hex>.sig` / `.att`: the tags cosign derives from the signed manifest's digest. @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md#tag-based-discovery */
export function cosignTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/**
 * The simple-signing payload cosign signs: which repository (`docker-reference`, no tag) and
 * which manifest digest. `optional` is null, as cosign writes it when no annotations are given.
 * @see https://github.com/containers/image/blob/main/docs/containers-signature.5.md
 */
export function simpleSigningPayload(repository: string, digest: string): Buffer {
  const payload = {
    critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: COSIGN_SIGNATURE_TYPE },
    optional: null,
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/**
 * The `.sig` artifact: one layer, the payload, annotated with the base64 ECDSA-P256/SHA-256
 * (ASN.1 DER) signature over exactly those bytes.
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 */
export function signatureArtifact(repository: string, digest: string, key: KeyObject): OciArtifact {
  const payload = simpleSigningPayload(repository, digest);
  const signature = sign('sha256', payload, key).toString('base64');
  return artifact(cosignTag(digest, 'sig'), [{ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, bytes: payload, annotations: { [SIGNATURE_ANNOTATION]: signature } }]);
}

/** An OCI descriptor as a manifest lists it. @see https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md */
export interface Descriptor {
  mediaType: string;
  size: number;
  digest: string;
  annotations?: Record<string, string>;
}

/** One attestation: its DSSE envelope and the predicateType of the statement inside. */
export interface Attestation {
  envelope: DsseEnvelope;
  predicateType: string;
}

/**
 * The `.att` artifact: one layer per DSSE envelope, annotated with its statement's
 * predicateType; the signature annotation is empty, as cosign leaves it (the envelope carries it).
 * @see https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md
 */
export function attestationArtifact(digest: string, envelopes: Attestation[]): OciArtifact {
  return artifact(cosignTag(digest, 'att'), envelopes.map(attestationLayer));
}

/**
 * The `.att` artifact of `kept` (layers already in the registry, listed by their descriptors: their
 * blobs are there and are not pushed again) followed by `added`, as `cosign attest` appends to
 * an existing `.att`.
 * @see https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md
 */
export function extendedAttestationArtifact(digest: string, kept: readonly Descriptor[], added: Attestation[]): OciArtifact {
  return artifact(cosignTag(digest, 'att'), [...kept, ...added.map(attestationLayer)]);
}

function attestationLayer({ envelope, predicateType }: Attestation): Blob {
  return {
    mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
    bytes: Buffer.from(JSON.stringify(envelope), 'utf8'),
    annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType },
  };
}

/** An OCI image manifest over `layers`, with the minimal config cosign writes (rootfs naming the layers). */
function artifact(tag: string, layers: (Blob | Descriptor)[]): OciArtifact {
  const descriptors: Descriptor[] = layers.map((layer) =>
    'bytes' in layer
      ? { mediaType: layer.mediaType, size: layer.bytes.length, digest: sha256(layer.bytes), ...(layer.annotations ? { annotations: layer.annotations } : {}) }
      : { mediaType: layer.mediaType, size: layer.size, digest: layer.digest, ...(layer.annotations ? { annotations: layer.annotations } : {}) },
  );
  const config = Buffer.from(
    JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: descriptors.map((layer) => layer.digest) } }),
    'utf8',
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: OCI_CONFIG_MEDIA_TYPE, size: config.length, digest: sha256(config) },
    layers: descriptors,
  };
  const blobs = layers.flatMap((layer) => ('bytes' in layer ? [layer.bytes] : []));
  return { tag, blobs: [config, ...blobs], manifest: Buffer.from(JSON.stringify(manifest), 'utf8') };
}

import { readBounded, type RegistryClient } from '../registry/registry-client';
import { MANIFEST_ACCEPT } from '../registry/manifest';
import { formatImageReference, type ImageReference } from '../registry/reference';
import type { ObjectStore } from '../store/types';
import { lookasideKey, lookasidePath, manifestDigest, openKeyring, signManifest, SigningError, verifySignature, type Verification } from './simple-signing';

/** The manifest's bytes as the registry serves them for `ref` (its digest when it has one), checked against that digest. */
export async function fetchManifest(client: RegistryClient, ref: ImageReference, signal?: AbortSignal): Promise<{ bytes: Buffer; digest: string }> {
  const response = await client.get(ref, `manifests/${ref.digest ?? ref.tag ?? 'latest'}`, MANIFEST_ACCEPT, signal);
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new SigningError(`the registry answered ${response.status} for the manifest of ${formatImageReference(ref)}`);
  }
  const bytes = await readBounded(response, 'manifest');
  const digest = manifestDigest(bytes);
  if (ref.digest && ref.digest !== digest) throw new SigningError(`the registry served a manifest of ${digest} for ${ref.digest}`);
  return { bytes, digest };
}

/**
 * The reference a signature names: the image's repository and tag under `identity` (the
 * registry the cluster pulls from) when given, else under the registry it was pushed to.
 */
export function signedIdentity(ref: ImageReference, identity?: string): { dockerReference: string; repositoryPath: string } {
  const name = `${identity ?? ref.registry}/${ref.repository}`;
  return { dockerReference: `${name}:${ref.tag ?? 'latest'}`, repositoryPath: name.slice(name.indexOf('/') + 1) };
}

/** Where a signature went. */
export interface PublishedSignature {
  dockerReference: string;
  digest: string;
  fingerprint: string;
  /** Its object-store key, served at `/<key>` by `ccp serve` and the dashboard. */
  key: string;
}

/**
 * Signs the pushed `ref@digest` (simple signing, the key in `keyFile`) and stores the signature at
 * the lookaside layout under `sigstore/`. Throws a {@link SigningError} saying what failed.
 * @see https://github.com/containers/image/blob/main/docs/containers-signature.5.md
 */
export async function signPushedImage(input: {
  client: RegistryClient;
  store: ObjectStore;
  ref: ImageReference;
  digest: string;
  keyFile: string;
  passphraseFile?: string;
  identity?: string;
}): Promise<PublishedSignature> {
  const { bytes } = await fetchManifest(input.client, { ...input.ref, digest: input.digest });
  const { dockerReference, repositoryPath } = signedIdentity(input.ref, input.identity);
  const keyring = await openKeyring(input.keyFile);
  try {
    const signature = await signManifest({
      keyring,
      manifest: bytes,
      dockerReference,
      ...(input.passphraseFile ? { passphraseFile: input.passphraseFile } : {}),
    });
    const key = lookasideKey(repositoryPath, input.digest);
    await input.store.put(key, signature, { contentType: 'application/octet-stream' });
    return { dockerReference, digest: input.digest, fingerprint: keyring.fingerprint, key };
  } finally {
    await keyring.dispose();
  }
}

/** What `ccp verify` reports. */
export type ImageVerification = Verification & { dockerReference: string; signatureUrl: string; fingerprint: string; manifestDigest: string };

/**
 * Verifies `ref` (tag or digest) against the public key in `publicKeyFile`: resolves its
 * manifest, fetches `signature-1` from the lookaside base URL and checks it with gpg.
 */
export async function verifyImage(input: {
  client: RegistryClient;
  ref: ImageReference;
  publicKeyFile: string;
  lookasideUrl: string;
  identity?: string;
}): Promise<ImageVerification> {
  const { bytes, digest } = await fetchManifest(input.client, input.ref);
  const { dockerReference, repositoryPath } = signedIdentity(input.ref, input.identity);
  const signatureUrl = `${input.lookasideUrl.replace(/\/+$/, '')}/${lookasidePath(repositoryPath, digest)}`;
  const keyring = await openKeyring(input.publicKeyFile);
  try {
    const common = { dockerReference, signatureUrl, fingerprint: keyring.fingerprint, manifestDigest: digest };
    const response = await fetch(signatureUrl, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
      throw new SigningError(`cannot fetch ${signatureUrl}: ${(error as Error).message}`);
    });
    if (response.status === 404) return { ...common, verified: false, reason: 'no signature at the lookaside' };
    if (response.status !== 200) return { ...common, verified: false, reason: `the lookaside answered ${response.status}` };
    const signature = await readBounded(response, 'signature', 1024 * 1024);
    return { ...common, ...(await verifySignature({ keyring, manifest: bytes, dockerReference, signature })) };
  } finally {
    await keyring.dispose();
  }
}

import { readBounded, type RegistryClient } from '../registry/registry-client';
import { MANIFEST_ACCEPT } from '../registry/manifest';
import { formatImageReference, type ImageReference } from '../registry/reference';
import type { RegistrySignatureMode } from '../config/settings/signing';
import type { ObjectStore } from '../store/types';
import { listRegistrySignatures, putRegistrySignature, registrySupportsSignatures, RegistrySignaturesError } from './registry-signatures';
import {
  lookasideKey,
  lookasidePath,
  manifestDigest,
  openKeyring,
  signManifest,
  SigningError,
  verifySignature,
  type Keyring,
  type Verification,
} from './simple-signing';

/**
 * Signatures of one list checked against a key at most: a registry's list is the registry's
 * word, and each check runs skopeo.
 */
const MAX_SIGNATURES_CHECKED = 16;

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
  /**
   * The registry's signatures API extension, when the registry advertises it (and it is not
   * turned off): its URL, and whether the signature was added or one by this key for this
   * identity and digest was already there.
   */
  registry?: { url: string; added: boolean };
}

/**
 * Signs the pushed `ref@digest` (simple signing, the key in `keyFile`) and stores the signature at
 * the lookaside layout under `sigstore/`; when the registry advertises the signatures API
 * extension (OpenShift's integrated registry) and `registryApi` is not `off`, also PUTs it there,
 * unless a signature by this key for this identity and digest is already there (a redelivery).
 * Throws a {@link SigningError} saying what failed.
 * @see https://github.com/containers/image/blob/main/docs/containers-signature.5.md
 * @see https://github.com/containers/image/blob/main/docker/docker_image_dest.go
 */
export async function signPushedImage(input: {
  client: RegistryClient;
  store: ObjectStore;
  ref: ImageReference;
  digest: string;
  keyFile: string;
  passphraseFile?: string;
  identity?: string;
  registryApi?: RegistrySignatureMode;
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
    const published: PublishedSignature = { dockerReference, digest: input.digest, fingerprint: keyring.fingerprint, key };
    if (input.registryApi === 'off' || !(await registrySupportsSignatures(input.client, input.ref.registry))) return published;
    const registry = await publishToRegistry({
      client: input.client,
      ref: input.ref,
      digest: input.digest,
      signature,
      keyring,
      manifest: bytes,
      dockerReference,
    });
    return { ...published, registry };
  } finally {
    await keyring.dispose();
  }
}

/**
 * Adds `signature` to the registry's list unless the list holds the same bytes (as containers/image
 * skips them) or another signature this key made for the same identity and digest (a signing
 * retried or redelivered signs anew: gpg's timestamp makes other bytes).
 */
async function publishToRegistry(input: {
  client: RegistryClient;
  ref: ImageReference;
  digest: string;
  signature: Buffer;
  keyring: Keyring;
  manifest: Buffer;
  dockerReference: string;
}): Promise<{ url: string; added: boolean }> {
  const existing = await listRegistrySignatures(input.client, input.ref, input.digest);
  if (existing.signatures.some((signature) => signature.equals(input.signature))) return { url: existing.url, added: false };
  for (const signature of existing.signatures.slice(0, MAX_SIGNATURES_CHECKED)) {
    const verdict = await verifySignature({ keyring: input.keyring, manifest: input.manifest, dockerReference: input.dockerReference, signature });
    if (verdict.verified) return { url: existing.url, added: false };
  }
  await putRegistrySignature(input.client, input.ref, input.digest, input.signature, existing.names);
  return { url: existing.url, added: true };
}

/** What `ccp verify` reports. */
export type ImageVerification = Verification & { dockerReference: string; signatureUrl: string; fingerprint: string; manifestDigest: string };

/** Neither a lookaside URL nor a registry that advertises the signatures API extension: nowhere to read a signature from. */
export class NoSignatureSourceError extends SigningError {
  constructor(registry: string) {
    super(`no lookaside URL is configured and ${registry} does not advertise the signatures API extension`);
  }
}

/**
 * Verifies `ref` (tag or digest) against the public key in `publicKeyFile`: resolves its
 * manifest, then reads its signatures from the registry's signatures API extension when the
 * registry advertises it (and `registryApi` is not `off`), else or when none of those verifies
 * fetches `signature-1` from the lookaside base URL, and checks them with gpg. Throws a
 * {@link SigningError} when there is nowhere to look: no lookaside URL and no extension.
 * @see https://github.com/containers/image/blob/main/docker/docker_image_src.go
 */
export async function verifyImage(input: {
  client: RegistryClient;
  ref: ImageReference;
  publicKeyFile: string;
  lookasideUrl?: string;
  identity?: string;
  registryApi?: RegistrySignatureMode;
}): Promise<ImageVerification> {
  // Where to look is settled first: with nowhere to look, the manifest is not worth fetching.
  const fromRegistry = input.registryApi !== 'off' && (await registrySupportsSignatures(input.client, input.ref.registry));
  if (!fromRegistry && !input.lookasideUrl) throw new NoSignatureSourceError(input.ref.registry);
  const { bytes, digest } = await fetchManifest(input.client, input.ref);
  const { dockerReference, repositoryPath } = signedIdentity(input.ref, input.identity);
  const keyring = await openKeyring(input.publicKeyFile);
  try {
    const common = { fingerprint: keyring.fingerprint, manifestDigest: digest, dockerReference };
    let registryVerdict: ImageVerification | undefined;
    if (fromRegistry) {
      registryVerdict = { ...common, ...(await verifyFromRegistry({ ...input, keyring, manifest: bytes, digest, dockerReference })) };
      if (registryVerdict.verified || !input.lookasideUrl) return registryVerdict;
    }
    const signatureUrl = `${input.lookasideUrl!.replace(/\/+$/, '')}/${lookasidePath(repositoryPath, digest)}`;
    const lookaside = { ...common, signatureUrl, ...(await verifyFromLookaside(signatureUrl, keyring, bytes, dockerReference)) };
    // Nothing at the lookaside says less than a signature in the registry that failed.
    if (registryVerdict && !lookaside.verified && /^no signature/.test(lookaside.reason)) return registryVerdict;
    return lookaside;
  } finally {
    await keyring.dispose();
  }
}

/** The first of the registry's signatures that verifies, or why none does. */
async function verifyFromRegistry(input: {
  client: RegistryClient;
  ref: ImageReference;
  keyring: Keyring;
  manifest: Buffer;
  digest: string;
  dockerReference: string;
}): Promise<Verification & { signatureUrl: string }> {
  let list;
  try {
    list = await listRegistrySignatures(input.client, input.ref, input.digest);
  } catch (error) {
    if (!(error instanceof RegistrySignaturesError)) throw error;
    return { verified: false, reason: error.message, signatureUrl: `${input.client.baseUrl(input.ref.registry)}/extensions/v2/${input.ref.repository}` };
  }
  let failed: Verification = { verified: false, reason: 'no signature in the registry' };
  for (const signature of list.signatures.slice(0, MAX_SIGNATURES_CHECKED)) {
    const verdict = await verifySignature({ keyring: input.keyring, manifest: input.manifest, dockerReference: input.dockerReference, signature });
    if (verdict.verified) return { ...verdict, signatureUrl: list.url };
    failed = verdict;
  }
  return { ...failed, signatureUrl: list.url };
}

/** `signature-1` at the lookaside, checked. */
async function verifyFromLookaside(signatureUrl: string, keyring: Keyring, manifest: Buffer, dockerReference: string): Promise<Verification> {
  const response = await fetch(signatureUrl, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
    throw new SigningError(`cannot fetch ${signatureUrl}: ${(error as Error).message}`);
  });
  if (response.status === 404) return { verified: false, reason: 'no signature at the lookaside' };
  if (response.status !== 200) return { verified: false, reason: `the lookaside answered ${response.status}` };
  const signature = await readBounded(response, 'signature', 1024 * 1024);
  return verifySignature({ keyring, manifest, dockerReference, signature });
}

import { randomBytes } from 'node:crypto';
import { RegistryError } from '../registry/errors';
import { readBounded, type RegistryClient } from '../registry/registry-client';
import type { ImageReference } from '../registry/reference';
import { SigningError } from './simple-signing';

/**
 * The header by which a registry's `/v2/` answer advertises the signatures API extension
 * (OpenShift's integrated registry); containers/image then reads and writes simple signatures
 * there instead of a lookaside.
 * @see https://github.com/containers/image/blob/main/docker/docker_client.go
 */
export const SIGNATURES_EXTENSION_HEADER = 'X-Registry-Supports-Signatures';

/** `schemaVersion` and `type` of the signatures containers/image writes and reads (its `extensionSignature`). */
const SCHEMA_VERSION = 2;
const TYPE_ATOMIC = 'atomic';

/** containers/image's `iolimits.MaxSignatureListBodySize`: a list beyond it is not read. */
export const MAX_SIGNATURE_LIST_BYTES = 4 * 1024 * 1024;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The registry's signatures API answered something other than what the extension defines. */
export class RegistrySignaturesError extends SigningError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** One signature of the extension's list, as containers/image's `extensionSignature` marshals it. */
export interface ExtensionSignature {
  schemaVersion: number;
  /** `<manifest digest>@<unique name>`: the writer invents the name. */
  name: string;
  type: string;
  /** The signature's bytes, base64 (Go's `[]byte` in JSON). */
  content: string;
}

/** The simple signatures stored for one manifest digest. */
export interface RegistrySignatureList {
  /** The extension URL they were read from. */
  url: string;
  /** The contents of the `atomic` schema-2 entries, in the registry's order. */
  signatures: Buffer[];
  /** Every entry's name, taken or not by a signature ccp reads. */
  names: string[];
}

/**
 * Whether `registry` advertises the signatures API extension: its `/v2/` answer (200, or 401 with
 * a challenge), asked without credentials as containers/image does, carries
 * `X-Registry-Supports-Signatures: 1`.
 * @see https://github.com/containers/image/blob/main/docker/docker_client.go
 */
export async function registrySupportsSignatures(client: RegistryClient, registry: string, signal?: AbortSignal): Promise<boolean> {
  const response = await client.ping(registry, signal);
  await response.body?.cancel();
  return (response.status === 200 || response.status === 401) && response.headers.get(SIGNATURES_EXTENSION_HEADER) === '1';
}

/**
 * `/extensions/v2/<repository>/signatures/<digest>`, the extension's path for one manifest.
 * @see https://github.com/containers/image/blob/main/docker/docker_client.go
 */
export function extensionSignaturesPath(repository: string, digest: string): string {
  if (!DIGEST.test(digest)) throw new SigningError(`not a sha256 digest: ${digest}`);
  return `/extensions/v2/${repository}/signatures/${digest}`;
}

/**
 * The simple signatures the registry stores for `ref`'s repository at `digest` (GET, with the
 * client's credentials): entries of another schema version or type are skipped, as containers/image
 * skips them; a list over 4 MiB, not JSON or not a list is a {@link RegistrySignaturesError}, as is
 * an answer other than 200.
 * @see https://github.com/containers/image/blob/main/docker/docker_image_src.go
 */
export async function listRegistrySignatures(
  client: RegistryClient,
  ref: ImageReference,
  digest: string,
  signal?: AbortSignal,
): Promise<RegistrySignatureList> {
  const path = extensionSignaturesPath(ref.repository, digest);
  const url = `${client.baseUrl(ref.registry)}${path}`;
  const response = await client.request(ref, { path, accept: 'application/json' }, signal);
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new RegistrySignaturesError(`the registry's signatures API answered ${response.status} for ${url}`, response.status);
  }
  let document: unknown;
  try {
    document = JSON.parse((await readBounded(response, `signature list ${url}`, MAX_SIGNATURE_LIST_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof RegistryError) throw new RegistrySignaturesError(error.message, error.status);
    throw new RegistrySignaturesError(`the signature list at ${url} is not JSON`);
  }
  const entries = (document as { signatures?: unknown } | null)?.signatures;
  // Go marshals an empty list it never filled as null.
  if (entries !== null && entries !== undefined && !Array.isArray(entries))
    throw new RegistrySignaturesError(`the signature list at ${url} has no signatures array`);
  const list: RegistrySignatureList = { url, signatures: [], names: [] };
  for (const entry of (entries ?? []) as unknown[]) {
    if (!isExtensionSignature(entry)) continue;
    list.names.push(entry.name);
    if (entry.schemaVersion === SCHEMA_VERSION && entry.type === TYPE_ATOMIC) list.signatures.push(Buffer.from(entry.content, 'base64'));
  }
  return list;
}

function isExtensionSignature(entry: unknown): entry is ExtensionSignature {
  const candidate = entry as Partial<ExtensionSignature> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.schemaVersion === 'number' &&
    typeof candidate.name === 'string' &&
    typeof candidate.type === 'string' &&
    typeof candidate.content === 'string' &&
    candidate.content.length % 4 === 0 &&
    BASE64.test(candidate.content)
  );
}

/**
 * Adds `signature` to the registry's list for `ref`'s repository at `digest` (PUT, with a push
 * token): the name is `<digest>@<32 random hex>`, unlike every name in `taken`, as containers/image
 * invents it. Anything but 201 Created is a {@link RegistrySignaturesError} naming the answer.
 * Returns the name given.
 * @see https://github.com/containers/image/blob/main/docker/docker_image_dest.go
 */
export async function putRegistrySignature(
  client: RegistryClient,
  ref: ImageReference,
  digest: string,
  signature: Buffer,
  taken: readonly string[] = [],
): Promise<string> {
  const path = extensionSignaturesPath(ref.repository, digest);
  let name: string;
  do name = `${digest}@${randomBytes(16).toString('hex')}`;
  while (taken.includes(name));
  const body: ExtensionSignature = { schemaVersion: SCHEMA_VERSION, name, type: TYPE_ATOMIC, content: signature.toString('base64') };
  const response = await client.request(ref, {
    method: 'PUT',
    path,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify(body)),
    actions: 'pull,push',
  });
  if (response.status !== 201) {
    const text = (await readBounded(response, 'error answer', 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8').trim();
    throw new RegistrySignaturesError(
      `the registry refused the signature at ${client.baseUrl(ref.registry)}${path} (HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''})`,
      response.status,
    );
  }
  await response.body?.cancel();
  return name;
}

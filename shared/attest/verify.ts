import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readBounded, type RegistryClient } from '../registry/registry-client';
import type { ImageReference } from '../registry/reference';
import { cosignTag, DSSE_ENVELOPE_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign';
import { IN_TOTO_PAYLOAD_TYPE, verifyEnvelope, type DsseEnvelope } from './dsse';
import { CYCLONEDX_PREDICATE_TYPE, SLSA_PROVENANCE_TYPE, type Statement } from './provenance';

/** The public key is unreadable or not ECDSA P-256. */
export class CosignKeyError extends Error {
  override readonly name = 'CosignKeyError';
}

/**
 * Reads a PEM public key (what `ccp keys generate-ecdsa` writes to `<file>.pub`) and insists on
 * ECDSA P-256, the only kind ccp signs with.
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 */
export function parseCosignPublicKey(pem: Buffer | string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new CosignKeyError(`cannot read the public key ${source}: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CosignKeyError(`the public key ${source} is not an ECDSA P-256 key`);
  }
  return key;
}

/** The parts of a SLSA v1 provenance a person checks first. */
export interface ProvenanceSummary {
  builderId?: string;
  gitUrl?: string;
  commit?: string;
  dockerfile?: string;
  baseImages: { ref: string; digest: string }[];
  buildId?: string;
  startedOn?: string;
  finishedOn?: string;
}

/** What a person checks first of a CycloneDX SBOM statement. */
export interface SbomSummary {
  /** How many entries `components` has (every installed package ccp found). */
  components: number;
  specVersion?: string;
  serialNumber?: string;
  /** `metadata.timestamp`: when the scan made it. */
  timestamp?: string;
}

/** One check's outcome: `reason` says why when it failed. */
export interface CheckResult {
  tag: string;
  verified: boolean;
  reason?: string;
}

/** What `ccp verify --cosign-key` reports. */
export interface CosignVerification {
  verified: boolean;
  /** Every failed check's reason, in the order checked. */
  reasons: string[];
  /** `sha256:…` of the image manifest the reference names. */
  digest: string;
  signature: CheckResult & { dockerReference?: string };
  attestations: CheckResult & { predicateTypes: string[] };
  /** The verified statements, whole (for `--json`). */
  statements: Statement[];
  provenance?: ProvenanceSummary;
  sbom?: SbomSummary;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
}

/** A failed check; its message is the reason printed. */
class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/**
 * Verifies the cosign-format signature and attestations ccp's build function pushes next to
 * `ref` at `digest`: the `.sig` layer's ECDSA signature over its simple-signing payload, and that
 * the payload names `digest`; each `.att` DSSE envelope (PAE + ECDSA), and that each statement's
 * subject is `digest`. Registry failures end up as reasons, not throws.
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 * @see https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md
 */
export async function verifyCosign(input: { client: RegistryClient; ref: ImageReference; digest: string; publicKey: KeyObject }): Promise<CosignVerification> {
  const { client, ref, digest, publicKey } = input;
  const signatureTag = cosignTag(digest, 'sig');
  const attestationTag = cosignTag(digest, 'att');
  const signature: CosignVerification['signature'] = { tag: signatureTag, verified: false };
  const attestations: CosignVerification['attestations'] = { tag: attestationTag, verified: false, predicateTypes: [] };
  const statements: Statement[] = [];

  try {
    const [layer] = await artifactLayers(client, ref, signatureTag, SIMPLE_SIGNING_MEDIA_TYPE);
    const payload = await blobBytes(client, ref, layer!.digest);
    const sig = layer!.annotations?.[SIGNATURE_ANNOTATION];
    if (!sig) throw new CheckFailed(`${signatureTag}: the layer has no ${SIGNATURE_ANNOTATION} annotation`);
    if (!verify('sha256', payload, publicKey, Buffer.from(sig, 'base64'))) throw new CheckFailed(`${signatureTag}: the signature does not verify with the key`);
    const critical = parseJson<{ critical?: { identity?: { 'docker-reference'?: string }; image?: { 'docker-manifest-digest'?: string } } }>(
      payload,
      signatureTag,
    ).critical;
    const signed = critical?.image?.['docker-manifest-digest'];
    if (signed !== digest) throw new CheckFailed(`${signatureTag}: the signature is for ${String(signed)}, not the image's ${digest}`);
    signature.verified = true;
    const dockerReference = critical?.identity?.['docker-reference'];
    if (dockerReference) signature.dockerReference = dockerReference;
  } catch (error) {
    signature.reason = reasonOf(error);
  }

  try {
    const layers = await artifactLayers(client, ref, attestationTag, DSSE_ENVELOPE_MEDIA_TYPE);
    for (const [at, layer] of layers.entries()) {
      const where = `${attestationTag} layer ${at + 1}`;
      const envelope = parseJson<DsseEnvelope>(await blobBytes(client, ref, layer.digest), where);
      if (!verifyEnvelope(envelope, publicKey)) throw new CheckFailed(`${where}: the DSSE envelope does not verify with the key`);
      if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new CheckFailed(`${where}: payloadType ${envelope.payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
      const statement = parseJson<Statement>(Buffer.from(envelope.payload, 'base64'), where);
      const [algorithm, hex] = digest.split(':');
      const subjects = Array.isArray(statement.subject) ? statement.subject : [];
      if (subjects.length === 0 || !subjects.every((subject) => subject?.digest?.[algorithm!] === hex)) {
        throw new CheckFailed(`${where}: the statement's subject is not the image's ${digest}`);
      }
      statements.push(statement);
      attestations.predicateTypes.push(statement.predicateType);
    }
    attestations.verified = true;
  } catch (error) {
    attestations.reason = reasonOf(error);
    statements.length = 0;
  }

  const provenance = statements.find((statement) => statement.predicateType === SLSA_PROVENANCE_TYPE);
  const sbom = statements.find((statement) => statement.predicateType === CYCLONEDX_PREDICATE_TYPE);
  const reasons = [signature.reason, attestations.reason].filter((reason): reason is string => reason !== undefined);
  return {
    verified: reasons.length === 0,
    reasons,
    digest,
    signature,
    attestations,
    statements,
    ...(provenance ? { provenance: summarizeProvenance(provenance) } : {}),
    ...(sbom ? { sbom: summarizeSbom(sbom) } : {}),
  };
}

/**
 * The builder, source, Dockerfile, base images and timings of a ccp SLSA v1 provenance.
 * @see https://slsa.dev/spec/v1.0/provenance
 */
export function summarizeProvenance(statement: Statement): ProvenanceSummary {
  interface Predicate {
    buildDefinition?: {
      externalParameters?: { source?: { gitUrl?: string }; dockerfile?: string };
      resolvedDependencies?: { uri?: string; name?: string; digest?: Record<string, string> }[];
    };
    runDetails?: { builder?: { id?: string }; metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string } };
  }
  const predicate = (statement.predicate ?? {}) as Predicate;
  const dependencies = predicate.buildDefinition?.resolvedDependencies ?? [];
  const git = dependencies.find((dependency) => dependency.digest?.gitCommit !== undefined);
  const metadata = predicate.runDetails?.metadata;
  const summary: ProvenanceSummary = {
    baseImages: dependencies
      .filter((dependency) => dependency.uri?.startsWith('oci://'))
      .map((dependency) => ({
        ref: dependency.name ?? dependency.uri!.slice('oci://'.length),
        digest: Object.entries(dependency.digest ?? {})
          .map(([algorithm, hex]) => `${algorithm}:${hex}`)
          .join(','),
      })),
  };
  const set = <K extends keyof ProvenanceSummary>(key: K, value: ProvenanceSummary[K] | undefined): void => {
    if (value !== undefined) summary[key] = value;
  };
  set('builderId', predicate.runDetails?.builder?.id);
  set('gitUrl', predicate.buildDefinition?.externalParameters?.source?.gitUrl);
  set('commit', git?.digest?.gitCommit);
  set('dockerfile', predicate.buildDefinition?.externalParameters?.dockerfile);
  set('buildId', metadata?.invocationId);
  set('startedOn', metadata?.startedOn);
  set('finishedOn', metadata?.finishedOn);
  return summary;
}

/**
 * The component count, spec version, serial number and time of a CycloneDX SBOM statement.
 * @see https://cyclonedx.org/docs/1.5/json/
 */
export function summarizeSbom(statement: Statement): SbomSummary {
  const bom = (statement.predicate ?? {}) as { components?: unknown; specVersion?: unknown; serialNumber?: unknown; metadata?: { timestamp?: unknown } };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const summary: SbomSummary = { components: Array.isArray(bom.components) ? bom.components.length : 0 };
  const specVersion = text(bom.specVersion);
  const serialNumber = text(bom.serialNumber);
  const timestamp = text(bom.metadata?.timestamp);
  return { ...summary, ...(specVersion ? { specVersion } : {}), ...(serialNumber ? { serialNumber } : {}), ...(timestamp ? { timestamp } : {}) };
}

/** The layers of the artifact tagged `tag`, each checked to be of `mediaType`; at least one. */
async function artifactLayers(client: RegistryClient, ref: ImageReference, tag: string, mediaType: string): Promise<Descriptor[]> {
  const response = await client.get(ref, `manifests/${tag}`, OCI_MANIFEST_MEDIA_TYPE);
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CheckFailed(`${tag}: the registry has no such tag (the image is not signed or attested)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CheckFailed(`${tag}: the registry answered HTTP ${response.status}`);
  }
  const manifest = parseJson<{ layers?: Descriptor[] }>(await readBounded(response, `manifest ${tag}`), tag);
  const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
  if (layers.length === 0) throw new CheckFailed(`${tag}: the manifest has no layers`);
  const other = layers.find((layer) => layer?.mediaType !== mediaType);
  if (other) throw new CheckFailed(`${tag}: a layer of media type ${String(other?.mediaType)}, not ${mediaType}`);
  return layers;
}

/** A blob's bytes, checked against its digest (the registry is not trusted to serve what it names). */
async function blobBytes(client: RegistryClient, ref: ImageReference, digest: string): Promise<Buffer> {
  const bytes = await readBounded(await client.blob(ref, digest), `blob ${digest}`);
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== digest) throw new CheckFailed(`blob ${digest}: the registry served bytes of ${actual}`);
  return bytes;
}

function parseJson<T>(bytes: Buffer, where: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new CheckFailed(`${where}: not JSON`);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

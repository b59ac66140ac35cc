import { createPublicKey, type KeyObject } from 'node:crypto';
import { BuildRecords } from '../../../shared/builds/records';
import type { RegistryAccess } from '../../../shared/builds/builder-types';
import type { BuildRecord } from '../../../shared/builds/types';
import { CYCLONEDX_PREDICATE_TYPE, sbomStatement } from '../../../shared/attest/provenance';
import {
  cosignTag,
  DSSE_ENVELOPE_MEDIA_TYPE,
  extendedAttestationArtifact,
  OCI_MANIFEST_MEDIA_TYPE,
  PREDICATE_TYPE_ANNOTATION,
  type Descriptor,
} from '../../../shared/attest/cosign';
import { signEnvelope, verifyEnvelope, type DsseEnvelope } from '../../../shared/attest/dsse';
import type { ScanCompletedData } from '../../../shared/events/contracts/scan-completed';
import type { ProjectRef } from '../../../shared/index/types';
import { readBounded, type RegistryClient } from '../../../shared/registry/registry-client';
import { parseImageReference, type ImageReference } from '../../../shared/registry/reference';
import { reportKey, reportsPrefix } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { pushArtifact } from './oci-push';

/**
 * The largest SBOM attested: its envelope (base64, 4/3 of it) stays under the 8 MiB a registry
 * document is read up to (`MAX_DOCUMENT_BYTES`), so `ccp verify` can read back what is attached.
 */
export const MAX_SBOM_BYTES = 4 * 1024 * 1024;

/** The SBOM's file name in a scan's report folder (functions/scan/reports/store-reports.ts writes it). */
const SBOM_FILE = 'sbom.cdx.json';
/** Where the signed SBOM statement is kept: beside the SBOM it carries. */
export const SBOM_ENVELOPE_FILE = 'sbom.dsse.json';

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
const FOLDER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** What became of one `scan.completed`: attached, already attached, or refused with the reason. */
export type SbomAttachment =
  | { status: 'attached'; digest: string; attestationTag: string; stored: string; replaced: number }
  | { status: 'unchanged'; digest: string }
  | { status: 'refused'; reason: string };

export interface SbomAttachContext {
  key: KeyObject;
  registry: RegistryAccess;
  client: RegistryClient;
  store: ObjectStore;
}

/**
 * Attaches the CycloneDX SBOM of a scan to the image as cosign attaches attestations: an in-toto
 * statement (predicateType `https://cyclonedx.org/bom`, subject the image digest), DSSE-signed,
 * a layer of the image's `sha256-<digest>.att` next to its provenance. The event is only a hint
 * (anything on the Broker can send one): the SBOM is read from the store at the project's own
 * report key, its `metadata.component` must name an image this function built for the project
 * (by the build record: repository and digest) and attested, and it is bounded in size. An SBOM
 * layer already there with the same statement means nothing to do (redelivery, rescan of the same
 * BOM); another SBOM layer is replaced (`cosign attest --replace`), every other layer kept.
 * @see https://github.com/in-toto/attestation/blob/main/spec/predicates/cyclonedx.md
 * @see https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md
 */
export async function attachSbom(scan: ScanCompletedData, context: SbomAttachContext): Promise<SbomAttachment> {
  const folder = sbomFolder(scan.project, scan.reports.sbom);
  if (!folder) return refused(`${scan.reports.sbom} is not the SBOM key of a scan of ${projectName(scan.project)}`);
  const key = reportKey(scan.project, folder, SBOM_FILE);
  const info = await context.store.head(key);
  if (!info) return refused(`no SBOM is stored at ${key}`);
  if (info.size > MAX_SBOM_BYTES) return refused(`the SBOM ${key} has ${info.size} bytes, more than ${MAX_SBOM_BYTES}`);
  const stored = await context.store.get(key);
  if (!stored || stored.body.length > MAX_SBOM_BYTES) return refused(`the SBOM ${key} is gone or over ${MAX_SBOM_BYTES} bytes`);
  const bom = parseBom(stored.body);
  if (typeof bom === 'string') return refused(`${key}: ${bom}`);
  const { digest, name } = bom.component;

  const build = await builtImage(context.store, scan.project, digest);
  if (!build) return refused(`${projectName(scan.project)} has no build of ${digest} by this function`);
  const repository = repositoryOf(build.image!.ref);
  if (name !== repository) return refused(`${key} names ${name}, not ${repository}, the repository built`);
  if (!repository.startsWith(`${context.registry.address}/`)) return refused(`${repository} is not in the pipeline's registry ${context.registry.address}`);
  if (!(await context.store.head(reportKey(scan.project, build.buildId, 'attestations.dsse.json')))) {
    return refused(`build ${build.buildId} of ${digest} was not attested`);
  }

  const ref: ImageReference = { ...parseImageReference(build.image!.ref), digest };
  const layers = await attestationLayers(context.client, ref, cosignTag(digest, 'att'));
  if (typeof layers === 'string') return refused(layers);
  const statement = sbomStatement(repository, digest, bom.document);
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const previous = layers.filter((layer) => layer.annotations?.[PREDICATE_TYPE_ANNOTATION] === CYCLONEDX_PREDICATE_TYPE);
  const publicKey = createPublicKey(context.key);
  for (const layer of previous) {
    const envelope = await envelopeOf(context.client, ref, layer);
    if (envelope?.payload === payload.toString('base64') && verifyEnvelope(envelope, publicKey)) return { status: 'unchanged', digest };
  }

  const envelope = signEnvelope(payload, context.key);
  const kept = layers.filter((layer) => !previous.includes(layer));
  const artifact = extendedAttestationArtifact(digest, kept, [{ envelope, predicateType: CYCLONEDX_PREDICATE_TYPE }]);
  await pushArtifact(context.registry, repository.slice(context.registry.address.length + 1), artifact);
  const envelopeKey = reportKey(scan.project, folder, SBOM_ENVELOPE_FILE);
  await context.store.put(envelopeKey, `${JSON.stringify(envelope, null, 2)}\n`, { contentType: 'application/json' });
  return { status: 'attached', digest, attestationTag: artifact.tag, stored: envelopeKey, replaced: previous.length };
}

function refused(reason: string): SbomAttachment {
  return { status: 'refused', reason };
}

function projectName(project: ProjectRef): string {
  return `${project.appId}/${project.jobId}:${project.desiredTag}`;
}

/** The report folder of `key` when it is `reports/<project>/<folder>/sbom.cdx.json`, else `null`. */
function sbomFolder(project: ProjectRef, key: string): string | null {
  let prefix: string;
  try {
    prefix = reportsPrefix(project);
  } catch {
    return null;
  }
  if (!key.startsWith(prefix) || !key.endsWith(`/${SBOM_FILE}`)) return null;
  const folder = key.slice(prefix.length, -(SBOM_FILE.length + 1));
  return FOLDER.test(folder) ? folder : null;
}

/** A CycloneDX BOM whose `metadata.component` is a container image at a sha256 digest; else why not. */
function parseBom(body: Buffer): { document: unknown; component: { digest: string; name: string } } | string {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const bom = document as { bomFormat?: unknown; metadata?: { component?: { type?: unknown; name?: unknown; version?: unknown } } } | null;
  if (typeof bom !== 'object' || bom === null || bom.bomFormat !== 'CycloneDX') return 'not a CycloneDX BOM';
  const component = bom.metadata?.component;
  if (component?.type !== 'container' || typeof component.name !== 'string') return 'metadata.component is not a container image';
  if (typeof component.version !== 'string' || !SHA256_DIGEST.test(component.version)) return 'metadata.component.version is not a sha256 digest';
  return { document, component: { digest: component.version, name: component.name } };
}

/** The newest succeeded build of `project` that pushed `digest`, by this function's own records. */
async function builtImage(store: ObjectStore, project: ProjectRef, digest: string): Promise<BuildRecord | undefined> {
  const records = await new BuildRecords(store).list(project);
  return records.filter((record) => record.status === 'succeeded' && record.image?.digest === digest && record.image.ref).at(-1);
}

/** `host:port/app/job:tag` → `host:port/app/job`. */
function repositoryOf(ref: string): string {
  const withoutDigest = ref.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The layers of the image's `.att` manifest; a reason when it has none (not attested) or is not cosign's. */
async function attestationLayers(client: RegistryClient, ref: ImageReference, tag: string): Promise<Descriptor[] | string> {
  const response = await client.get(ref, `manifests/${tag}`, OCI_MANIFEST_MEDIA_TYPE);
  if (!response.ok) {
    await response.body?.cancel();
    return `${tag}: the registry answered HTTP ${response.status} (the image is not attested)`;
  }
  let manifest: { layers?: unknown };
  try {
    manifest = JSON.parse((await readBounded(response, `manifest ${tag}`)).toString('utf8')) as { layers?: unknown };
  } catch {
    return `${tag}: the manifest is not JSON`;
  }
  const layers = Array.isArray(manifest.layers) ? (manifest.layers as Descriptor[]) : [];
  const valid = (layer: Descriptor): boolean =>
    layer?.mediaType === DSSE_ENVELOPE_MEDIA_TYPE && typeof layer.digest === 'string' && SHA256_DIGEST.test(layer.digest) && Number.isSafeInteger(layer.size);
  if (layers.length === 0 || !layers.every(valid)) return `${tag}: not a manifest of DSSE envelope layers`;
  return layers;
}

/** The envelope a layer holds, or `null` when it cannot be read as one. */
async function envelopeOf(client: RegistryClient, ref: ImageReference, layer: Descriptor): Promise<DsseEnvelope | null> {
  try {
    return JSON.parse((await readBounded(await client.blob(ref, layer.digest), `blob ${layer.digest}`)).toString('utf8')) as DsseEnvelope;
  } catch {
    return null;
  }
}

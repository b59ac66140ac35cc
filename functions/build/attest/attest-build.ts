import type { KeyObject } from 'node:crypto';
import type { BuildOutcome, RegistryAccess } from '../../../shared/builds/builder-types';
import type { BuildRecord } from '../../../shared/builds/types';
import type { ObjectStore } from '../../../shared/store/types';
import { attestImage, storeAttestations } from './attest-image';

/** What the build service needs to attest its builds: the signing key and the builder's identity. */
export interface AttestationOptions {
  key: KeyObject;
  /** `runDetails.builder.id`; `https://github.com/centos/ccp/builder/<backend>` when absent. */
  builderId?: string;
}

/**
 * After a successful push: the provenance of the build, signed and attached to the image
 * (cosign's `.sig` and `.att`) and kept with the reports. Returns the lines for the build log.
 * A failure is reported, not thrown: the image is pushed and the build stands, and a cluster
 * policy that requires the signature refuses it.
 * @see https://slsa.dev/spec/v1.0/provenance
 */
export async function attestBuild(
  record: BuildRecord,
  outcome: BuildOutcome,
  finishedOn: Date,
  context: { attestation: AttestationOptions; registry: RegistryAccess; store: ObjectStore },
): Promise<string> {
  if (outcome.status !== 'succeeded' || !outcome.digest || !record.commit) return '';
  const { ref } = record.image ?? { ref: outcome.imageRef };
  const colon = ref.lastIndexOf(':');
  const repository = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
  const backend = record.backend ?? 'local';
  try {
    const attested = await attestImage(
      {
        buildId: record.buildId,
        entry: record.entry,
        commit: record.commit,
        repository,
        tag: record.project.desiredTag,
        digest: outcome.digest,
        baseImages: outcome.baseImageDigests ?? [],
        startedOn: record.timings.startedAt ?? finishedOn.toISOString(),
        finishedOn: finishedOn.toISOString(),
        backend,
        builderId: context.attestation.builderId ?? `https://github.com/centos/ccp/builder/${backend}`,
      },
      context.registry,
      context.attestation.key,
    );
    const keys = await storeAttestations(context.store, record.project, record.buildId, attested);
    return `ccp: signed ${repository}:${attested.signatureTag}, attested ${repository}:${attested.attestationTag} (provenance ${keys.provenance})\n`;
  } catch (error) {
    return `ccp: WARNING: the image is pushed but not signed: ${(error as Error).message}\n`;
  }
}

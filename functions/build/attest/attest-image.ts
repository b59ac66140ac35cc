import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RegistryAccess } from '../../../shared/builds/builder-types';
import type { ProjectRef } from '../../../shared/index/types';
import { reportKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { attestationArtifact, signatureArtifact } from '../../../shared/attest/cosign';
import { signEnvelope, type DsseEnvelope } from '../../../shared/attest/dsse';
import { pushArtifact } from './oci-push';
import { provenanceStatement, sbomStatement, type BuildFacts, type Statement } from '../../../shared/attest/provenance';

/** The attestation key is missing, unreadable, or not an ECDSA P-256 private key. */
export class AttestationKeyError extends Error {
  override readonly name = 'AttestationKeyError';
}

/**
 * Reads the PEM private key `CCP_ATTESTATION_KEY_FILE` names (PKCS#8 or SEC1) and insists on
 * ECDSA P-256 (read once, when the build function starts), the curve cosign's verifiers and OpenShift's ClusterImagePolicy take.
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 */
export function loadAttestationKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (error) {
    throw new AttestationKeyError(`cannot read the attestation key ${file}: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AttestationKeyError(`the attestation key ${file} is not an ECDSA P-256 private key`);
  }
  return key;
}

export interface AttestedImage {
  /** `sha256-<hex>.sig` and `.att`, in the image's repository. */
  signatureTag: string;
  attestationTag: string;
  statements: Statement[];
  envelopes: DsseEnvelope[];
}

/**
 * Signs a pushed image the way cosign does and attaches its attestations: the `.sig`
 * simple-signing manifest, and the `.att` manifest holding one DSSE envelope per statement
 * (the SLSA provenance, plus the CycloneDX SBOM when given).
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 * @see https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md
 */
export async function attestImage(facts: BuildFacts, access: RegistryAccess, key: KeyObject, sbom?: unknown): Promise<AttestedImage> {
  const repositoryPath = facts.repository.slice(access.address.length + 1);
  const statements = [provenanceStatement(facts), ...(sbom === undefined ? [] : [sbomStatement(facts.repository, facts.digest, sbom)])];
  const envelopes = statements.map((statement) => signEnvelope(Buffer.from(JSON.stringify(statement), 'utf8'), key));
  const signature = signatureArtifact(facts.repository, facts.digest, key);
  const attestation = attestationArtifact(
    facts.digest,
    envelopes.map((envelope, at) => ({ envelope, predicateType: statements[at]!.predicateType })),
  );
  await pushArtifact(access, repositoryPath, signature);
  await pushArtifact(access, repositoryPath, attestation);
  return { signatureTag: signature.tag, attestationTag: attestation.tag, statements, envelopes };
}

/** Keeps the statements and their envelopes with the build's reports: `provenance.json`, `attestations.dsse.json`. */
export async function storeAttestations(
  store: ObjectStore,
  ref: ProjectRef,
  buildId: string,
  attested: AttestedImage,
): Promise<{ provenance: string; envelopes: string }> {
  const provenance = reportKey(ref, buildId, 'provenance.json');
  const envelopes = reportKey(ref, buildId, 'attestations.dsse.json');
  await store.put(provenance, `${JSON.stringify(attested.statements[0], null, 2)}\n`, { contentType: 'application/json' });
  await store.put(envelopes, `${JSON.stringify(attested.envelopes, null, 2)}\n`, { contentType: 'application/json' });
  return { provenance, envelopes };
}

import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CosignKeyError, parseCosignPublicKey, verifyCosign, type CosignVerification } from '../../shared/attest/verify';
import { loadConfig } from '../../shared/config/config';
import { readEnv, SIGNING } from '../../shared/config/settings';
import { ValidationError } from '../../shared/errors/validation-error';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { fetchManifest, NoSignatureSourceError, verifyImage, type ImageVerification } from '../../shared/signing/image-signatures';
import type { Command } from '../types';

const USAGE = `Usage: ccp verify IMAGE-REF [--key PUBLIC.asc] [--cosign-key ECDSA.pub] [--lookaside URL] [--json]

Checks IMAGE-REF (host/repo:tag or @sha256:…) against the keys given (at least one); exits 0
when every requested check passes, 1 when one fails (with the reason), 2 on a usage error.
  --key         simple signing: the signer's public key (ccp keys generate's public.asc); reads
                the manifest and its signatures from the registry's signatures API when the
                registry advertises it (X-Registry-Supports-Signatures, OpenShift's integrated
                registry; CCP_SIGNING_REGISTRY_API=off never asks), else or besides fetches
                signature-1 from the lookaside, and verifies them with gpg
  --cosign-key  cosign format: the ECDSA P-256 public key (ccp keys generate-ecdsa's <file>.pub);
                verifies sha256-<digest>.sig (signature over the payload, which must name the
                image's digest) and every DSSE envelope in sha256-<digest>.att (subject = the
                image's digest), then prints the SLSA provenance's summary and the
                CycloneDX SBOM's component count
  --lookaside   the signatures' base URL for --key (default CCP_SIGNING_LOOKASIDE_URL); needed
                unless the registry has the signatures API
  --identity    the registry the signature names, when not the one pulled from (CCP_SIGNING_IDENTITY)
  --json        print everything as JSON (with --cosign-key: the verified statements whole)`;

export const verifyCommand: Command = {
  name: ['verify'],
  summary: "check an image's signatures (simple signing, cosign) and provenance against public keys",
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        key: { type: 'string' },
        'cosign-key': { type: 'string' },
        lookaside: { type: 'string' },
        identity: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new ValidationError('bad arguments', [{ field: 'IMAGE-REF', message: 'name one image' }]);
    const cosignKeyFile = values['cosign-key'];
    if (!values.key && !cosignKeyFile)
      throw new ValidationError('missing option', [{ field: '--key', message: "name the signer's public key file (--key, --cosign-key or both)" }]);
    const lookasideUrl = values.lookaside ?? readEnv(SIGNING.lookasideUrl, io.env);
    const registryApi = readEnv(SIGNING.registryApi, io.env);
    const noLookaside = new ValidationError('missing option', [
      { field: '--lookaside', message: 'name the lookaside URL (or set CCP_SIGNING_LOOKASIDE_URL): the registry has no signatures API' },
    ]);
    if (values.key && !lookasideUrl && registryApi === 'off') throw noLookaside;
    const cosignKey = cosignKeyFile ? await readCosignKey(path.resolve(io.cwd, cosignKeyFile)) : undefined;
    const config = loadConfig(globals, io.env);
    const ref = parseImageReference(positionals[0]!);
    // The image named on the command line is the one to read, whatever the configured allow-list says.
    const client = registryClientFor(config, { allowedRegistries: [ref.registry.toLowerCase()] });
    const identity = values.identity ?? readEnv(SIGNING.identity, io.env);
    const simple = values.key
      ? await verifyImage({
          client,
          ref,
          publicKeyFile: path.resolve(io.cwd, values.key),
          ...(lookasideUrl ? { lookasideUrl } : {}),
          ...(identity ? { identity } : {}),
          registryApi,
        }).catch((error: unknown) => {
          // verifyImage asks the registry whether it has the signatures API: no second ask here.
          throw error instanceof NoSignatureSourceError ? noLookaside : error;
        })
      : undefined;
    const cosign = cosignKey ? await verifyCosign({ client, ref, digest: (await fetchManifest(client, ref)).digest, publicKey: cosignKey }) : undefined;
    const verified = (simple?.verified ?? true) && (cosign?.verified ?? true);
    if (values.json) {
      // Only --key keeps the shape it always had; with --cosign-key each check has its own member.
      const document = cosign ? { verified, ...(simple ? { simpleSigning: simple } : {}), cosign } : simple;
      io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      if (simple) io.stdout(describeSimpleSigning(simple));
      if (cosign) io.stdout(describeCosign(positionals[0]!, cosign));
    }
    return verified ? 0 : 1;
  },
};

/** The cosign public key; a file that is missing or not ECDSA P-256 is a usage error. */
async function readCosignKey(file: string): Promise<KeyObject> {
  let pem: Buffer;
  try {
    pem = await readFile(file);
  } catch (error) {
    throw new ValidationError('bad option', [{ field: '--cosign-key', message: `cannot read ${file}: ${(error as Error).message}` }]);
  }
  try {
    return parseCosignPublicKey(pem, file);
  } catch (error) {
    if (error instanceof CosignKeyError) throw new ValidationError('bad option', [{ field: '--cosign-key', message: error.message }]);
    throw error;
  }
}

function describeSimpleSigning(result: ImageVerification): string {
  return result.verified
    ? `verified ${result.dockerReference}@${result.manifestDigest}\n  signed by ${result.fingerprint}\n  signature ${result.signatureUrl}\n`
    : `NOT verified ${result.dockerReference}@${result.manifestDigest}: ${result.reason}\n  key ${result.fingerprint}\n  signature ${result.signatureUrl}\n`;
}

function describeCosign(image: string, result: CosignVerification): string {
  const check = (verified: boolean, reason?: string): string => (verified ? 'verified' : `NOT verified: ${reason}`);
  const lines = [
    `${result.verified ? 'verified' : 'NOT verified'} ${image} (${result.digest}) with the cosign key`,
    `  signature    ${result.signature.tag}: ${check(result.signature.verified, result.signature.reason)}`,
    `  attestations ${result.attestations.tag}: ${check(result.attestations.verified, result.attestations.reason)}` +
      (result.attestations.verified ? ` (${result.attestations.predicateTypes.join(', ')})` : ''),
  ];
  const provenance = result.provenance;
  if (provenance) {
    lines.push(
      '  provenance',
      `    builder     ${provenance.builderId ?? '-'}`,
      `    source      ${provenance.gitUrl ?? '-'} @ ${provenance.commit ?? '-'}`,
      `    dockerfile  ${provenance.dockerfile ?? '-'}`,
      ...(provenance.baseImages.length > 0
        ? provenance.baseImages.map((base, at) => `    ${at === 0 ? 'base images' : '           '} ${base.ref}@${base.digest}`)
        : ['    base images -']),
      `    build       ${provenance.buildId ?? '-'}`,
      `    started     ${provenance.startedOn ?? '-'}`,
      `    finished    ${provenance.finishedOn ?? '-'}`,
    );
  }
  const sbom = result.sbom;
  if (sbom) {
    const details = [sbom.specVersion ? `CycloneDX ${sbom.specVersion}` : 'CycloneDX', sbom.serialNumber, sbom.timestamp].filter(Boolean).join(', ');
    lines.push(`  SBOM: ${sbom.components} component${sbom.components === 1 ? '' : 's'} (${details})`);
  }
  return `${lines.join('\n')}\n`;
}

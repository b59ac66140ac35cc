import { existsSync } from 'node:fs';
import { createBuilder } from './builders/api';
import { configuredSecrets } from '../../shared/redact/secrets';
import { registryAccess, registryClientFor } from '../../shared/registry/pipeline-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { signPushedImage } from '../../shared/signing/image-signatures';
import type { FunctionContext, ServiceContext } from '../../shared/function/types';
import { cleanLeftovers } from '../../shared/runtime/leftovers';
import { BuildService } from './service';
import { loadAttestationKey } from './attest/attest-image';
import { attachSbom, type SbomAttachment } from './attest/attach-sbom';
import type { ScanCompletedData } from '../../shared/events/contracts/scan-completed';

export { registryAccess };

/** What the build function keeps for the life of its process. */
export interface BuildServices {
  /** The one build queue of the process: every delivery's build goes through it. */
  builds: BuildService;
  /**
   * Attaches a scan's SBOM to the image it built (functions/build/attest/attach-sbom.ts); absent
   * without an attestation key or a pipeline registry: nothing is attested.
   */
  attachSbom?: (scan: ScanCompletedData) => Promise<SbomAttachment>;
}

/** The build function's handler context. */
export type BuildContext = ServiceContext<BuildServices>;

/**
 * The build function's services, made once per process when its context is built: the build
 * service on the backend the configuration selects (`CCP_BUILDER`: `local` by default,
 * `kubernetes` in the cluster; see functions/build/builders/api.ts), shared by every delivery
 * so that one queue sees every build.
 * @see ../../shared/function/types.ts
 */
export function buildServices(base: FunctionContext): BuildServices {
  const registry = registryAccess(base.config);
  const configured = base.config.attestation;
  const attestation =
    configured && keyPresent(base, configured.keyFile, 'attestation key (CCP_ATTESTATION_KEY_FILE)')
      ? { key: loadAttestationKey(configured.keyFile), ...(configured.builderId ? { builderId: configured.builderId } : {}) }
      : undefined;
  const signing = signingSettings(base);
  const client = attestation && registry ? registryClientFor(base.config) : null;
  return {
    ...(attestation && registry && client
      ? { attachSbom: (scan: ScanCompletedData) => attachSbom(scan, { key: attestation.key, registry, client, store: base.store }) }
      : {}),
    builds: new BuildService({
      store: base.store,
      log: base.log,
      builder: createBuilder(base.config),
      registry,
      concurrency: base.config.build.concurrency,
      secrets: configuredSecrets(base.config, [registry?.password]),
      ...(attestation ? { attestation } : {}),
      // Mounts stay: other builds may run; the runtime unmounts at its start and stop.
      sweep: (keep) => cleanLeftovers({ workDir: base.config.workDir, storeRoot: null, buildah: null }, { keep }),
      ...(signing ? { sign: imageSigner(base, signing) } : {}),
    }),
  };
}

/**
 * Whether the key file exists; when not, one info line. In the cluster the settings name files of
 * the optional Secret `ccp-signing` (deploy/base/services/build.yaml): a cluster without that
 * Secret, or without one of its keys, runs with that key off instead of failing every build.
 */
function keyPresent(base: FunctionContext, file: string, what: string): boolean {
  if (existsSync(file)) return true;
  base.log.info(`no ${what} at ${file}: off`);
  return false;
}

/**
 * The simple-signing settings whose key file exists (a passphrase file that does not exist: no
 * passphrase, as for a key without one), else `undefined`.
 * @see ../../docs/admin-guide.md
 */
export function signingSettings(base: FunctionContext): FunctionContext['config']['signing'] {
  const signing = base.config.signing;
  if (!signing || !keyPresent(base, signing.keyFile, 'signing key (CCP_SIGNING_KEY_FILE)')) return undefined;
  if (!signing.passphraseFile || existsSync(signing.passphraseFile)) return signing;
  const withoutPassphrase = { ...signing };
  delete withoutPassphrase.passphraseFile;
  return withoutPassphrase;
}

/**
 * Signs a pushed image with the configured key (`CCP_SIGNING_KEY_FILE`) and keeps the signature
 * in the store at the lookaside layout, and in the registry when it advertises the signatures API
 * extension (`CCP_SIGNING_REGISTRY_API`; see shared/signing/readme.md); the manifest is read back
 * from the registry by digest, so what is signed is what was pushed.
 */
function imageSigner(base: FunctionContext, signing: NonNullable<FunctionContext['config']['signing']>): (imageRef: string, digest: string) => Promise<string> {
  const client = registryClientFor(base.config);
  return async (imageRef, digest) => {
    const signed = await signPushedImage({
      client,
      store: base.store,
      ref: parseImageReference(imageRef),
      digest,
      keyFile: signing.keyFile,
      ...(signing.passphraseFile ? { passphraseFile: signing.passphraseFile } : {}),
      ...(signing.identity ? { identity: signing.identity } : {}),
      ...(signing.registryApi ? { registryApi: signing.registryApi } : {}),
    });
    const where = signing.lookasideUrl ? `${signing.lookasideUrl}/${signed.key.slice(signed.key.indexOf('/') + 1)}` : signed.key;
    const registry = signed.registry ? `; in the registry: ${signed.registry.url} (${signed.registry.added ? 'added' : 'already there'})` : '';
    return `signed ${signed.dockerReference}@${digest} with key ${signed.fingerprint}: ${where}${registry}`;
  };
}

/**
 * Releases the build function's services at drain or shutdown: builds still running are told to
 * stop (the embedded runtime then waits, bounded, for them to unwind; Jobs of the kubernetes
 * backend run on and finish from their status events).
 */
export async function disposeBuildServices(services: BuildServices): Promise<void> {
  services.builds.abort();
}

import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { parseCosignPublicKey, verifyCosign } from '../attest/verify';
import type { ParentSignatureSettings } from '../config/config';
import type { ParentSignaturePolicy } from '../config/settings/signing';
import { parseImageReference } from '../registry/reference';
import type { RegistryClient } from '../registry/registry-client';
import { verifyImage } from './image-signatures';

/**
 * Why a parent's signature does not verify: none found, one that fails the key, one made for
 * another digest (or another image), the signature could not be fetched at all, or the
 * configured public key cannot be read (every parent then fails: a configuration error).
 */
export type ParentSignatureProblem = 'no signature' | 'bad signature' | 'signature for another digest' | 'unreachable' | 'unusable key';

/** The check of one parent image at one digest. */
export interface ParentVerdict {
  /** `registry/app/job:tag`, the reference the parent was pushed as. */
  ref: string;
  /** `sha256:…` of the pushed manifest checked. */
  digest: string;
  verified: boolean;
  problem?: ParentSignatureProblem;
  /** The verifier's own words (skopeo's, the registry's), when it did not verify. */
  reason?: string;
}

/** What a verdict means under a policy: build or scan on quietly, with a warning, or refuse. */
export type ParentDecision = 'use' | 'warn' | 'refuse';

/**
 * The decision for a verdict: `off` never looks (use); a verified parent is used under every
 * policy; one that does not verify is a warning under `warn`, a refusal under `enforce`.
 * @see ../../docs/admin-guide.md#signed-images
 */
export function parentDecision(policy: ParentSignaturePolicy, verdict: Pick<ParentVerdict, 'verified'>): ParentDecision {
  if (policy === 'off' || verdict.verified) return 'use';
  return policy === 'warn' ? 'warn' : 'refuse';
}

/** One sentence naming the parent, its digest and why: what the cascade record, the mail and the scan report say. */
export function parentSignatureMessage(parent: string, verdict: ParentVerdict): string {
  const why = verdict.reason ? `${verdict.problem ?? 'bad signature'}: ${verdict.reason}` : (verdict.problem ?? 'bad signature');
  return `parent ${parent} (${verdict.ref}@${verdict.digest}) signature does not verify (${why})`;
}

/**
 * Checks parents' signatures with the configured public keys (simple signing from the registry's
 * signatures API extension when it advertises one, and/or the lookaside; the cosign `.sig` from the registry; both when both are given), each digest once: one
 * instance per event, so the children of one parent, and the cascades one `build.completed`
 * advances, share one check. Never throws for a signature problem: an unreachable lookaside or
 * registry is a verdict ({@link ParentSignatureProblem}), so that `enforce` refuses rather than
 * retries forever.
 */
export class ParentSignatureVerifier {
  private readonly verdicts = new Map<string, Promise<ParentVerdict>>();
  private keys?: Promise<{ cosign?: KeyObject } | { problem: string }>;

  constructor(
    private readonly client: RegistryClient,
    private readonly settings: ParentSignatureSettings,
  ) {}

  /** The verdict of `ref` (a tag reference) at `digest`, checked once per digest. */
  verify(ref: string, digest: string): Promise<ParentVerdict> {
    let verdict = this.verdicts.get(digest);
    if (!verdict) {
      verdict = this.check(ref, digest);
      this.verdicts.set(digest, verdict);
    }
    return verdict;
  }

  private async check(ref: string, digest: string): Promise<ParentVerdict> {
    const failed = (problem: ParentSignatureProblem, reason: string): ParentVerdict => ({ ref, digest, verified: false, problem, reason });
    const keys = await (this.keys ??= this.readKeys());
    if ('problem' in keys) return failed('unusable key', keys.problem);
    let parsed;
    try {
      parsed = { ...parseImageReference(ref), digest };
    } catch (error) {
      return failed('unreachable', `not an image reference: ${(error as Error).message}`);
    }
    const { lookasideUrl, registryApi } = this.settings;
    if (this.settings.publicKeyFile && (lookasideUrl || registryApi !== 'off')) {
      try {
        const simple = await verifyImage({
          client: this.client,
          ref: parsed,
          publicKeyFile: this.settings.publicKeyFile,
          ...(lookasideUrl ? { lookasideUrl } : {}),
          ...(this.settings.identity ? { identity: this.settings.identity } : {}),
          ...(registryApi ? { registryApi } : {}),
        });
        if (!simple.verified) return failed(simpleProblem(simple.reason), skopeoMessage(simple.reason));
      } catch (error) {
        return failed('unreachable', (error as Error).message);
      }
    }
    if (keys.cosign) {
      try {
        const cosign = await verifyCosign({ client: this.client, ref: parsed, digest, publicKey: keys.cosign });
        if (!cosign.signature.verified) {
          const reason = cosign.signature.reason ?? 'the signature does not verify';
          return failed(cosignProblem(reason), reason);
        }
      } catch (error) {
        return failed('unreachable', (error as Error).message);
      }
    }
    return { ref, digest, verified: true };
  }

  /** The public keys, read once: the cosign key parsed, the GPG key file readable (gpg imports it per check). */
  private async readKeys(): Promise<{ cosign?: KeyObject } | { problem: string }> {
    const { publicKeyFile, cosignPublicKeyFile } = this.settings;
    try {
      if (publicKeyFile) await readFile(publicKeyFile);
      return cosignPublicKeyFile ? { cosign: parseCosignPublicKey(await readFile(cosignPublicKeyFile), cosignPublicKeyFile) } : {};
    } catch (error) {
      return { problem: (error as Error).message };
    }
  }
}

/**
 * skopeo's fatal line (`time=… level=fatal msg="Error verifying signature: …"`) as its message
 * alone, without gpgme's struct dump, cut to a length a mail row carries.
 */
export function skopeoMessage(line: string): string {
  const quoted = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  let message = line;
  if (quoted !== undefined) {
    try {
      message = JSON.parse(`"${quoted}"`) as string;
    } catch {
      message = quoted;
    }
  }
  message = message.replace(/: gpgme\.Signature\{.*$/s, '');
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** skopeo standalone-verify's, the lookaside's and the registry's words, sorted into the problems users act on. */
function simpleProblem(reason: string): ParentSignatureProblem {
  if (/no signature (at the lookaside|in the registry)/.test(reason)) return 'no signature';
  if (/lookaside answered|signatures API answered|refused the credentials|requires authentication/.test(reason)) return 'unreachable';
  if (/digest/i.test(reason)) return 'signature for another digest';
  return 'bad signature';
}

/** verifyCosign's words (shared/attest/verify.ts), sorted the same way. */
function cosignProblem(reason: string): ParentSignatureProblem {
  if (/has no such tag/.test(reason)) return 'no signature';
  if (/answered HTTP/.test(reason)) return 'unreachable';
  if (/the signature is for /.test(reason)) return 'signature for another digest';
  return 'bad signature';
}

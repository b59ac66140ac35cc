import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { minimalEnv } from '../process/minimal-env';
import { CommandError, runCommand, type CommandResult } from '../process/run-process';

/** A signature could not be made or checked: no tool, a bad key, a refused passphrase. */
export class SigningError extends Error {
  override readonly name = 'SigningError';
}

/** Store keys of signatures start here; `ccp serve` and the dashboard serve them at `/sigstore/`. */
export const LOOKASIDE_PREFIX = 'sigstore';

const DIGEST = /^sha256:([0-9a-f]{64})$/;
const TOOL_TIMEOUT_MS = 60_000;

/** A private GPG home holding one key, and that key's fingerprint. */
export interface Keyring {
  home: string;
  fingerprint: string;
  /** Stops the gpg-agent the home started and removes it. */
  dispose(): Promise<void>;
}

/**
 * A fresh GNUPGHOME (mode 0700, under the system temp folder: gpg-agent's socket path must stay
 * short) with `keyFile` (armored or binary, secret or public) imported, and the fingerprint of
 * its primary key. Nothing of the host's own keyring is read.
 * @see https://www.gnupg.org/documentation/manuals/gnupg/Operational-GPG-Commands.html
 */
export async function openKeyring(keyFile: string): Promise<Keyring> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ccp-gpg-'));
  await chmod(home, 0o700);
  const keyring: Keyring = { home, fingerprint: '', dispose: () => closeKeyring(home) };
  try {
    const imported = await gpg(home, ['--import', keyFile]);
    if (imported.code !== 0) throw new SigningError(`gpg could not import the key ${keyFile}: ${lastLine(imported.stderr)}`);
    const listed = await gpg(home, ['--with-colons', '--list-keys']);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listed.stdout)?.[1];
    if (!fingerprint) throw new SigningError(`the key file ${keyFile} holds no OpenPGP key`);
    return { ...keyring, fingerprint };
  } catch (error) {
    await keyring.dispose();
    throw error;
  }
}

async function closeKeyring(home: string): Promise<void> {
  // The agent gpg started for this home would otherwise outlive it.
  await runCommand('gpgconf', ['--kill', 'all'], { env: minimalEnv(home, { GNUPGHOME: home }), timeoutMs: TOOL_TIMEOUT_MS }).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
}

/**
 * A simple-signing signature of `manifest` for `dockerReference` (`host/repo:tag`) by the
 * keyring's key, made by `skopeo standalone-sign` (the signature containers/image and CRI-O
 * verify: an OpenPGP message over `{critical: {identity, image: {docker-manifest-digest}, type}}`).
 * @see https://github.com/containers/image/blob/main/docs/containers-signature.5.md
 */
export async function signManifest(input: { keyring: Keyring; manifest: Buffer; dockerReference: string; passphraseFile?: string }): Promise<Buffer> {
  const { keyring } = input;
  const manifestFile = path.join(keyring.home, 'manifest.json');
  const signatureFile = path.join(keyring.home, 'signature');
  await writeFile(manifestFile, input.manifest);
  await rm(signatureFile, { force: true });
  const passphrase = input.passphraseFile ? ['--passphrase-file', input.passphraseFile] : [];
  const result = await skopeo(keyring.home, [
    'standalone-sign',
    ...passphrase,
    manifestFile,
    input.dockerReference,
    keyring.fingerprint,
    '--output',
    signatureFile,
  ]);
  if (result.code !== 0) throw new SigningError(`skopeo standalone-sign failed: ${lastLine(result.stderr)}`);
  return readFile(signatureFile);
}

/** What {@link verifySignature} found. */
export type Verification = { verified: true; digest: string } | { verified: false; reason: string };

/**
 * Checks a simple-signing signature against the manifest it should sign, the reference it should
 * name and the keyring's key, with `skopeo standalone-verify` (gpg underneath).
 * @see https://github.com/containers/skopeo/blob/v1.9.3/docs/skopeo-standalone-verify.1.md
 */
export async function verifySignature(input: { keyring: Keyring; manifest: Buffer; dockerReference: string; signature: Buffer }): Promise<Verification> {
  const { keyring } = input;
  const manifestFile = path.join(keyring.home, 'verify-manifest.json');
  const signatureFile = path.join(keyring.home, 'verify-signature');
  await writeFile(manifestFile, input.manifest);
  await writeFile(signatureFile, input.signature);
  const result = await skopeo(keyring.home, ['standalone-verify', manifestFile, input.dockerReference, keyring.fingerprint, signatureFile]);
  if (result.code === 0) return { verified: true, digest: manifestDigest(input.manifest) };
  return { verified: false, reason: lastLine(result.stderr) || `skopeo standalone-verify exited with ${result.code}` };
}

/** `sha256:<hex>` of a manifest's bytes: what the registry and the signature name it by. */
export function manifestDigest(manifest: Buffer): string {
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

/**
 * Where containers/image looks for the first signature of `repository@digest` below a lookaside
 * base: `<repository>@sha256=<hex>/signature-1` (the repository path without the registry).
 * @see https://github.com/containers/image/blob/main/docs/containers-registries.d.5.md
 */
export function lookasidePath(repository: string, digest: string): string {
  const hex = DIGEST.exec(digest)?.[1];
  if (!hex) throw new SigningError(`not a sha256 digest: ${digest}`);
  return `${repository}@sha256=${hex}/signature-1`;
}

/** The object-store key of that signature, under {@link LOOKASIDE_PREFIX}. */
export function lookasideKey(repository: string, digest: string): string {
  return `${LOOKASIDE_PREFIX}/${lookasidePath(repository, digest)}`;
}

/** The files `ccp keys generate` writes. */
export interface GeneratedKey {
  fingerprint: string;
  publicKeyFile: string;
  secretKeyFile: string;
}

/**
 * Makes an RSA-3072 signing key (RSA: every OpenPGP verifier of containers/image reads it, the
 * pure-Go one included) that never expires, in a throwaway GNUPGHOME, in batch mode, without a
 * passphrase or with the one in `passphraseFile`; writes `public.asc` and `secret.asc` (0600)
 * to `outDir`.
 * @see https://www.gnupg.org/documentation/manuals/gnupg/OpenPGP-Key-Management.html
 */
export async function generateSigningKey(input: { outDir: string; userId: string; passphraseFile?: string }): Promise<GeneratedKey> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ccp-gpg-'));
  await chmod(home, 0o700);
  try {
    const passphrase = input.passphraseFile ? ['--passphrase-file', input.passphraseFile] : ['--passphrase', ''];
    const made = await gpg(home, ['--pinentry-mode', 'loopback', ...passphrase, '--quick-generate-key', input.userId, 'rsa3072', 'sign', 'never']);
    if (made.code !== 0) throw new SigningError(`gpg could not make a key: ${lastLine(made.stderr)}`);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg(home, ['--with-colons', '--list-secret-keys'])).stdout)?.[1];
    if (!fingerprint) throw new SigningError('gpg made no key');
    await mkdir(input.outDir, { recursive: true });
    const publicKeyFile = path.join(input.outDir, 'public.asc');
    const secretKeyFile = path.join(input.outDir, 'secret.asc');
    const exported = await gpg(home, ['--armor', '--export', fingerprint]);
    const secret = await gpg(home, ['--pinentry-mode', 'loopback', ...passphrase, '--armor', '--export-secret-keys', fingerprint]);
    if (exported.code !== 0 || secret.code !== 0) throw new SigningError(`gpg could not export the key: ${lastLine(exported.stderr + secret.stderr)}`);
    await writeFile(publicKeyFile, exported.stdout, { mode: 0o644 });
    await writeFile(secretKeyFile, secret.stdout, { mode: 0o600 });
    await copyFile(path.join(home, 'openpgp-revocs.d', `${fingerprint}.rev`), path.join(input.outDir, 'revocation.asc')).catch(() => undefined);
    return { fingerprint, publicKeyFile, secretKeyFile };
  } finally {
    await closeKeyring(home);
  }
}

async function gpg(home: string, args: string[]): Promise<CommandResult> {
  return tool('gpg', home, ['--batch', '--no-tty', ...args]);
}

async function skopeo(home: string, args: string[]): Promise<CommandResult> {
  return tool('skopeo', home, args);
}

async function tool(command: string, home: string, args: string[]): Promise<CommandResult> {
  try {
    return await runCommand(command, args, { env: minimalEnv(home, { GNUPGHOME: home }), cwd: home, timeoutMs: TOOL_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof CommandError) throw new SigningError(`${command} could not run: ${error.message}`);
    throw error;
  }
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .pop() ?? ''
  );
}

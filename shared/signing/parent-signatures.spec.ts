import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RegistryClient } from '../registry/registry-client';
import { ParentSignatureVerifier, parentSignatureMessage, skopeoMessage } from './parent-signatures';

describe('the words of a parent signature that does not verify', () => {
  it.each([
    [
      'a digest mismatch',
      'time="2026-12-06T06:56:03Z" level=fatal msg="Error verifying signature: Signature for docker digest \\"sha256:c269\\" does not match"',
      'Error verifying signature: Signature for docker digest "sha256:c269" does not match',
    ],
    [
      "gpgme's struct dump cut off",
      'time="2026-12-06T06:56:06Z" level=fatal msg="Error verifying signature: Invalid GPG signature: gpgme.Signature{Summary:4, Fingerprint:\\"2541\\", Status:gpgme.Error{err:0x7000008}}"',
      'Error verifying signature: Invalid GPG signature',
    ],
    ['a line without msg=', 'skopeo standalone-verify exited with 1', 'skopeo standalone-verify exited with 1'],
    ['a long line', `msg="${'x'.repeat(400)}"`, `${'x'.repeat(300)}…`],
  ])('%s', (_name, line, expected) => {
    expect(skopeoMessage(line)).toBe(expected);
  });

  it.each([
    [{ verified: false, problem: 'no signature' as const, reason: 'no signature at the lookaside' }, 'no signature: no signature at the lookaside'],
    [{ verified: false, problem: 'unreachable' as const }, 'unreachable'],
    [{ verified: false }, 'bad signature'],
  ])('names the parent, its digest and why: %j', (verdict, why) => {
    expect(parentSignatureMessage('team/base:latest', { ref: 'r:5000/team/base:latest', digest: 'sha256:ab', ...verdict })).toBe(
      `parent team/base:latest (r:5000/team/base:latest@sha256:ab) signature does not verify (${why})`,
    );
  });
});

describe('a parent verifier whose public key cannot be used', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-parent-keys-'));
    await writeFile(path.join(dir, 'rsa.pub'), generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [
      'a missing GPG key file',
      { publicKeyFile: 'missing.asc', lookasideUrl: 'http://127.0.0.1:9/sigstore' },
      /^ENOENT: no such file or directory, open '.*missing\.asc'$/,
    ],
    ['an RSA key given as the cosign key', { cosignPublicKeyFile: 'rsa.pub' }, /^the public key .*rsa\.pub is not an ECDSA P-256 key$/],
  ])('%s: every parent fails as "unusable key", before any fetch, checked once per digest', async (_name, keys, reason) => {
    const settings = Object.fromEntries(
      Object.entries(keys).map(([name, value]) => [name, name.endsWith('File') ? path.join(dir, value) : value]),
    ) as typeof keys;
    const verifier = new ParentSignatureVerifier(new RegistryClient(), { policy: 'enforce', ...settings });
    const first = verifier.verify('127.0.0.1:9/team/base:latest', 'sha256:ab');
    expect(verifier.verify('127.0.0.1:9/team/base:latest', 'sha256:ab')).toBe(first);
    const verdict = await first;
    expect({ ...verdict, reason: undefined }).toEqual({
      ref: '127.0.0.1:9/team/base:latest',
      digest: 'sha256:ab',
      verified: false,
      problem: 'unusable key',
      reason: undefined,
    });
    expect(verdict.reason).toMatch(reason);
  });
});

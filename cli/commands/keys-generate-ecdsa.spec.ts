import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadAttestationKey } from '../../functions/build/attest/attest-image';
import { generateEcdsaKey, keysGenerateEcdsaCommand } from './keys-generate-ecdsa';

describe('ccp keys generate-ecdsa', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-keys-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes a P-256 private key (0600) the build function loads, and its public key beside it', async () => {
    const written = await generateEcdsaKey(path.join(dir, 'keys', 'attestation.pem'));
    expect((await stat(written.privateKey)).mode & 0o777).toEqual(0o600);
    const key = loadAttestationKey(written.privateKey);
    const publicKey = createPublicKey(await readFile(written.publicKey));
    expect(publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(verify('sha256', Buffer.from('x'), publicKey, sign('sha256', Buffer.from('x'), key))).toBe(true);
  });

  it('leaves an existing key alone and says so', async () => {
    const file = path.join(dir, 'attestation.pem');
    await generateEcdsaKey(file);
    const before = await readFile(file, 'utf8');
    const errors: string[] = [];
    const status = await keysGenerateEcdsaCommand.run(['--out', file], {}, { stdout: () => undefined, stderr: (text) => errors.push(text), env: {}, cwd: dir });
    expect({ status, errors, unchanged: (await readFile(file, 'utf8')) === before }).toEqual({
      status: 1,
      errors: [`ccp keys generate-ecdsa: ${file} (or ${file}.pub) exists; not replaced\n`],
      unchanged: true,
    });
    expect(createPrivateKey(before).asymmetricKeyType).toEqual('ec');
  });
});

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../shared/errors/validation-error';
import { openKeyring } from '../../shared/signing/simple-signing';
import type { CliIo } from '../types';
import { keysCommand } from './keys';

describe('ccp keys generate', () => {
  let dir: string;
  let out: string[];
  let io: CliIo;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-keys-'));
    out = [];
    io = { stdout: (text) => out.push(text), stderr: () => undefined, env: {}, cwd: dir };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a public key, a secret key only its owner reads, and prints the fingerprint they share', async () => {
    expect(await keysCommand.run(['--out', 'keys', '--name', 'ccp test <ccp@example.org>'], {}, io)).toBe(0);
    const fingerprint = /^fingerprint ([0-9A-F]{40})$/m.exec(out.join(''))?.[1];
    expect(fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect((await stat(path.join(dir, 'keys', 'secret.asc'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, 'keys', 'public.asc'), 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(await readFile(path.join(dir, 'keys', 'secret.asc'), 'utf8')).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    for (const file of ['public.asc', 'secret.asc']) {
      const keyring = await openKeyring(path.join(dir, 'keys', file));
      await keyring.dispose();
      expect(keyring.fingerprint).toBe(fingerprint);
    }
  }, 60_000);

  it('asks for --out', async () => {
    await expect(keysCommand.run([], {}, io)).rejects.toThrow(ValidationError);
  });
});

import path from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError } from '../../shared/errors/validation-error';
import { generateSigningKey } from '../../shared/signing/simple-signing';
import type { Command } from '../types';

const USAGE = `Usage: ccp keys generate --out DIR [--name TEXT] [--passphrase-file FILE]

Makes a GPG signing key (RSA 3072, no expiry) with this host's gpg in a throwaway GNUPGHOME and
writes DIR/public.asc (for policy.json's keyPath), DIR/secret.asc (mode 0600: the Secret
ccp-signing-key, CCP_SIGNING_KEY_FILE) and DIR/revocation.asc; prints the fingerprint.
  --out              the folder to write (made if missing)
  --name             the key's user id (default "ccp image signing <ccp@localhost>")
  --passphrase-file  protect the secret key with the passphrase in FILE (CCP_SIGNING_KEY_PASSPHRASE_FILE)`;

export const keysCommand: Command = {
  name: ['keys', 'generate'],
  summary: 'make a GPG key to sign pushed images with (simple signing)',
  usage: USAGE,
  async run(argv, _globals, io) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, name: { type: 'string' }, 'passphrase-file': { type: 'string' } },
      strict: true,
    });
    if (!values.out) throw new ValidationError('missing option', [{ field: '--out', message: 'name the folder to write the key to' }]);
    const passphraseFile = values['passphrase-file'];
    const key = await generateSigningKey({
      outDir: path.resolve(io.cwd, values.out),
      userId: values.name ?? 'ccp image signing <ccp@localhost>',
      ...(passphraseFile ? { passphraseFile: path.resolve(io.cwd, passphraseFile) } : {}),
    });
    io.stdout(`fingerprint ${key.fingerprint}\npublic      ${key.publicKeyFile}\nsecret      ${key.secretKeyFile}\n`);
    return 0;
  },
};

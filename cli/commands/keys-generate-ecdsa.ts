import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import type { Command } from '../types';

/**
 * Writes a new ECDSA P-256 key pair for `CCP_ATTESTATION_KEY_FILE`: the private key as PKCS#8
 * PEM (mode 0600, never over an existing file) and the public key as SPKI PEM beside it
 * (`<file>.pub`, the form `cosign verify --key` and a ClusterImagePolicy's `publicKey` take).
 * @see https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 */
export async function generateEcdsaKey(file: string): Promise<{ privateKey: string; publicKey: string }> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx': a key already there is someone's signing identity; losing it orphans every signature made with it.
  await writeFile(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  const publicKey = `${file}.pub`;
  await writeFile(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { privateKey: file, publicKey };
}

export const keysGenerateEcdsaCommand: Command = {
  name: ['keys', 'generate-ecdsa'],
  summary: 'make the ECDSA P-256 key that signs images and provenance (cosign format)',
  usage:
    'Usage: ccp keys generate-ecdsa [--out FILE]\n\nWrites a new private key to FILE (default <data-dir>/attestation.pem, mode 0600; an existing\nfile is left alone) and its public key to FILE.pub. Point CCP_ATTESTATION_KEY_FILE at FILE.',
  async run(argv, globals, io) {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true });
    const file = path.resolve(io.cwd, values.out ?? path.join(loadConfig(globals, io.env).dataDir, 'attestation.pem'));
    try {
      const written = await generateEcdsaKey(file);
      io.stdout(`private key: ${written.privateKey}\npublic key:  ${written.publicKey}\nset CCP_ATTESTATION_KEY_FILE=${written.privateKey}\n`);
      return 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      io.stderr(`ccp keys generate-ecdsa: ${file} (or ${file}.pub) exists; not replaced\n`);
      return 1;
    }
  },
};

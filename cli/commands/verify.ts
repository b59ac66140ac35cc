import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import { readEnv, SIGNING } from '../../shared/config/settings';
import { ValidationError } from '../../shared/errors/validation-error';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { verifyImage } from '../../shared/signing/image-signatures';
import type { Command } from '../types';

const USAGE = `Usage: ccp verify IMAGE-REF --key PUBLIC.asc [--lookaside URL] [--json]

Checks the simple signing signature of IMAGE-REF (host/repo:tag or @sha256:…): reads its
manifest from the registry, fetches signature-1 from the lookaside and verifies it with gpg
(skopeo standalone-verify) against the key; exits 0 when it verifies, 1 when not.
  --key        the signer's public key (ccp keys generate's public.asc)
  --lookaside  the signatures' base URL (default CCP_SIGNING_LOOKASIDE_URL)
  --identity   the registry the signature names, when not the one pulled from (CCP_SIGNING_IDENTITY)
  --json       print the result as JSON`;

export const verifyCommand: Command = {
  name: ['verify'],
  summary: "check an image's signature (simple signing) against a public key",
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { key: { type: 'string' }, lookaside: { type: 'string' }, identity: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new ValidationError('bad arguments', [{ field: 'IMAGE-REF', message: 'name one image' }]);
    if (!values.key) throw new ValidationError('missing option', [{ field: '--key', message: "name the signer's public key file" }]);
    const lookasideUrl = values.lookaside ?? readEnv(SIGNING.lookasideUrl, io.env);
    if (!lookasideUrl)
      throw new ValidationError('missing option', [{ field: '--lookaside', message: 'name the lookaside URL (or set CCP_SIGNING_LOOKASIDE_URL)' }]);
    const config = loadConfig(globals, io.env);
    const ref = parseImageReference(positionals[0]!);
    // The image named on the command line is the one to read, whatever the configured allow-list says.
    const client = registryClientFor(config, { allowedRegistries: [ref.registry.toLowerCase()] });
    const identity = values.identity ?? readEnv(SIGNING.identity, io.env);
    const result = await verifyImage({ client, ref, publicKeyFile: path.resolve(io.cwd, values.key), lookasideUrl, ...(identity ? { identity } : {}) });
    if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.verified)
      io.stdout(`verified ${result.dockerReference}@${result.manifestDigest}\n  signed by ${result.fingerprint}\n  signature ${result.signatureUrl}\n`);
    else
      io.stdout(
        `NOT verified ${result.dockerReference}@${result.manifestDigest}: ${result.reason}\n  key ${result.fingerprint}\n  signature ${result.signatureUrl}\n`,
      );
    return result.verified ? 0 : 1;
  },
};

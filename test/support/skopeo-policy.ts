import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A containers/image trust set-up for skopeo: a policy.json and a registries.d folder. */
export interface SkopeoTrust {
  dir: string;
  policyFile: string;
  registriesDir: string;
}

/**
 * Writes, in `dir`, the trust a node enforcing ccp's signatures has: a policy.json that rejects
 * by default and requires `signedBy` `publicKeyFile` (GPG) for each of `registries` (`dir:` is
 * accepted, the copies' target), and a registries.d naming each lookaside of `lookasides`
 * (registry → URL); a registry without one is looked up only through its signatures API.
 * @see https://github.com/containers/image/blob/main/docs/containers-policy.json.5.md
 * @see https://github.com/containers/image/blob/main/docs/containers-registries.d.5.md
 */
export async function writeSignedByTrust(
  dir: string,
  registries: readonly string[],
  publicKeyFile: string,
  lookasides: Readonly<Record<string, string>> = {},
): Promise<SkopeoTrust> {
  const policyFile = path.join(dir, 'policy.json');
  const signedBy = [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: publicKeyFile }];
  const docker = Object.fromEntries(registries.map((registry) => [registry, signedBy]));
  await writeFile(policyFile, JSON.stringify({ default: [{ type: 'reject' }], transports: { docker, dir: { '': [{ type: 'insecureAcceptAnything' }] } } }));
  const registriesDir = path.join(dir, 'registries.d');
  await mkdir(registriesDir, { recursive: true });
  const entries = Object.entries(lookasides);
  if (entries.length > 0) {
    await writeFile(path.join(registriesDir, 'ccp.yaml'), `docker:\n${entries.map(([registry, url]) => `  ${registry}:\n    lookaside: ${url}\n`).join('')}`);
  }
  return { dir, policyFile, registriesDir };
}

/**
 * `skopeo copy` of `ref` to a fresh `dir:` under `trust` (with `creds`, `user:password`, when the
 * registry wants a login): `null` when copied, else skopeo's complaint (its stderr).
 */
export async function copyUnderTrust(trust: SkopeoTrust, ref: string, creds?: string): Promise<string | null> {
  const out = await mkdtemp(path.join(trust.dir, 'copy-'));
  const login = creds ? ['--src-creds', creds] : [];
  try {
    await exec('skopeo', [
      '--policy',
      trust.policyFile,
      '--registries.d',
      trust.registriesDir,
      'copy',
      '--src-tls-verify=false',
      ...login,
      `docker://${ref}`,
      `dir:${out}`,
    ]);
    return null;
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
}

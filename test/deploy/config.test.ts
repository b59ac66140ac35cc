import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../shared/config/package-root';

const ROOT = packageRoot();
/** Where the code reads CCP_* variables. */
const SOURCE_DIRS = ['shared', 'functions', 'cli'];
/** Read by the code but deliberately not configured in the cluster, with the reason. */
const NOT_IN_CLUSTER: Record<string, string> = {
  CCP_CONFIG: 'a configuration file; the cluster sets variables instead',
  CCP_MAIL_TO_DIR: 'writes mails as .eml files on the local disk, for the embedded default and tests',
  CCP_IMAGE_CACHE: 'cache of the images that the sample and the tests make from nothing (test/support/images)',
  CCP_BUILD_ID: 'set by the build function in the env of each build Job pod, per build',
  CCP_COMMIT: 'set by the build function in the env of each build Job pod, per build',
  CCP_SINK_TOKEN_FILE: 'for tests; in the cluster the SinkBinding mounts the OIDC token at /oidc/token',
  CCP_INGRESS_TOKEN: "guards the embedded runtime's own event door (ccp serve); in the cluster the door is the Broker",
  CCP_CHAOS: 'test mode of the embedded broker (redeliveries, delays, reordering); the cluster has the real Broker',
  CCP_TEST_SIGKILL_AT: 'crash points of the fault-injection test, embedded runtime only',
  CCP_RETRY_INTERRUPTED: 'recovery of builds a dead embedded process left running; in the cluster a Job outlives its pod',
};
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|ACCESS_KEY|PRIVATE_KEY)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}__fixtures__${path.sep}`));
}

/** Every `'CCP_…'` string literal and `env.CCP_…` read of the code, with the first file that has it. */
function variablesOfCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:['"]|\benv\.)(CCP_[A-Z0-9_]+)\b/g)) {
      if (!found.has(match[1]!)) found.set(match[1]!, path.relative(ROOT, file));
    }
  }
  return found;
}

const configText = readFileSync(path.join(ROOT, 'deploy/base/config.yaml'), 'utf8');
const configKeys = Object.keys((parseYaml(configText) as { data: Record<string, string> }).data);
const commentedKeys = [...configText.matchAll(/^\s*#\s*(CCP_[A-Z0-9_]+):/gm)].map((match) => match[1]!);
const secretKeys = Object.keys((parseYaml(readFileSync(path.join(ROOT, 'deploy/secrets/ccp-secrets.yaml'), 'utf8')) as { stringData: Record<string, string> }).stringData);
const code = variablesOfCode();

describe('deploy/ configures every CCP_* setting the code reads', () => {
  it('finds the settings of shared/config', () => {
    expect([...code.keys()]).toEqual(expect.arrayContaining(['CCP_STORE', 'CCP_S3_BUCKET', 'CCP_S3_SECRET_ACCESS_KEY', 'CCP_SMTP_PASSWORD']));
  });

  it('each is a key of ccp-config, an optional (commented-out) one there, a key of ccp-secrets, or kept out on purpose', () => {
    const known = new Set([...configKeys, ...commentedKeys, ...secretKeys, ...Object.keys(NOT_IN_CLUSTER)]);
    const missing = [...code].filter(([name]) => !known.has(name)).map(([name, file]) => `${name} (read in ${file}): add it to deploy/base/config.yaml, or to deploy/secrets/ccp-secrets.yaml if it is a secret`);
    expect(missing).toEqual([]);
  });

  it('ccp-config and ccp-secrets hold only settings the code reads', () => {
    expect([...configKeys, ...commentedKeys, ...secretKeys].filter((name) => !code.has(name))).toEqual([]);
  });

  it('secrets are in ccp-secrets, never in the ConfigMap', () => {
    expect({ inConfigMap: configKeys.filter((name) => SECRET_NAME.test(name)), notSecret: secretKeys.filter((name) => !SECRET_NAME.test(name)) }).toEqual({ inConfigMap: [], notSecret: [] });
  });

  it('every secret key a Service takes is in the ccp-secrets template', () => {
    const dir = path.join(ROOT, 'deploy/base/services');
    const taken = readdirSync(dir).flatMap((file) => [...readFileSync(path.join(dir, file), 'utf8').matchAll(/name: ccp-secrets\s+key: (\S+)/g)].map((match) => match[1]!));
    expect(taken.length).toBeGreaterThan(0);
    expect([...new Set(taken)].filter((key) => !secretKeys.includes(key))).toEqual([]);
  });
});

describe('no secret value is committed under deploy/', () => {
  function files(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
  }

  /** Values that look like credentials: key material, long random strings, basic-auth blobs. */
  const SUSPICIOUS: Array<[string, RegExp]> = [
    ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    ['an AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
    ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
    ['a long base64 or hex value', /:\s*['"]?[A-Za-z0-9+/=_-]{40,}['"]?\s*$/m],
  ];

  it.each(files('deploy').map((file) => [file]))('%s', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    expect({ file, found: SUSPICIOUS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what) }).toEqual({ file, found: [] });
  });

  it('every value of a Secret template is a REPLACE_ME placeholder', () => {
    const values = files('deploy/secrets').flatMap((file) => Object.values((parseYaml(readFileSync(path.join(ROOT, file), 'utf8')) as { stringData: Record<string, string> }).stringData));
    expect(values.filter((value) => !value.includes('REPLACE_ME'))).toEqual([]);
  });

  it('flags a real-looking secret (the check itself)', () => {
    const sample = 'CCP_S3_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYxx\n';
    expect(SUSPICIOUS.filter(([, pattern]) => pattern.test(sample)).map(([what]) => what)).toEqual(['a long base64 or hex value']);
  });
});

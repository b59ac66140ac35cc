import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../shared/config/package-root';
import { ALL_SETTINGS, Invalid } from '../../shared/config/settings';

const ROOT = packageRoot();
/** Where the code reads CCP_* variables. */
const SOURCE_DIRS = ['shared', 'functions', 'cli', 'test/support'];
/** `CCP_*` names the code writes for another process, not settings it reads: no declaration, with the reason. */
const NOT_SETTINGS: Record<string, string> = {
  CCP_BUILD_ID: 'set by the build function in the env of each build Job pod and prebuild script, per build',
  CCP_COMMIT: 'set by the build function in the env of each build Job pod and prebuild script, per build',
};
const declared = new Map(ALL_SETTINGS.filter((setting) => setting.env).map((setting) => [setting.env!, setting]));
/** Declared, read by the code, and deliberately not configured in the cluster. */
const notInCluster = ALL_SETTINGS.filter((setting) => setting.env && (setting.embeddedOnly || setting.testHook)).map((setting) => setting.env!);
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
const secretKeys = Object.keys(
  (parseYaml(readFileSync(path.join(ROOT, 'deploy/secrets/ccp-secrets.yaml'), 'utf8')) as { stringData: Record<string, string> }).stringData,
);
const code = variablesOfCode();

describe('deploy/ configures every declared setting', () => {
  it('finds the settings of shared/config in the code', () => {
    expect([...code.keys()]).toEqual(expect.arrayContaining(['CCP_STORE', 'CCP_S3_BUCKET', 'CCP_S3_SECRET_ACCESS_KEY', 'CCP_SMTP_PASSWORD']));
  });

  it('every CCP_* name of the code is declared in shared/config/settings (or is written for another process)', () => {
    const undeclared = [...code]
      .filter(([name]) => !declared.has(name) && !(name in NOT_SETTINGS))
      .map(([name, file]) => `${name} (in ${file}): declare it in shared/config/settings`);
    expect(undeclared).toEqual([]);
  });

  it('each declaration that is no secret, embedded-only or test hook is a key of ccp-config, or an optional (commented-out) one there', () => {
    const known = new Set([...configKeys, ...commentedKeys]);
    const missing = [...declared.values()]
      .filter((setting) => !setting.secret && !setting.embeddedOnly && !setting.testHook && !known.has(setting.env!))
      .map((setting) => `${setting.env}: add it to deploy/base/config.yaml`);
    expect(missing).toEqual([]);
  });

  it('ccp-secrets holds exactly the declared secrets of the cluster', () => {
    const secrets = [...declared.values()].filter((setting) => setting.secret && !setting.embeddedOnly).map((setting) => setting.env!);
    expect([...secretKeys].sort()).toEqual(secrets.sort());
  });

  it('ccp-config holds only declared settings that the cluster sets, and no secret', () => {
    const wrong = [...configKeys, ...commentedKeys].filter((name) => !declared.has(name) || declared.get(name)!.secret || notInCluster.includes(name));
    expect(wrong).toEqual([]);
  });

  it('every value of ccp-config, set or commented out, is one its declaration parses', () => {
    const values = [
      ...Object.entries((parseYaml(configText) as { data: Record<string, string> }).data),
      ...[...configText.matchAll(/^\s*#\s*(CCP_[A-Z0-9_]+):\s*('[^']*'|\S+)/gm)].map((match) => [match[1]!, match[2]!.replace(/^'|'$/g, '')] as const),
    ];
    const refused = values
      .filter(([name, value]) => declared.has(name) && declared.get(name)!.parse(value, declared.get(name)!) instanceof Invalid)
      .map(([name, value]) => `${name}: ${value}`);
    expect(refused).toEqual([]);
  });

  it('each name kept out as written for another process is still in the code (the list stays true)', () => {
    expect(Object.keys(NOT_SETTINGS).filter((name) => !code.has(name))).toEqual([]);
  });

  it('secrets are in ccp-secrets, never in the ConfigMap', () => {
    expect({ inConfigMap: configKeys.filter((name) => SECRET_NAME.test(name)), notSecret: secretKeys.filter((name) => !SECRET_NAME.test(name)) }).toEqual({
      inConfigMap: [],
      notSecret: [],
    });
  });

  it('every secret key a Service takes is in the ccp-secrets template', () => {
    const dir = path.join(ROOT, 'deploy/base/services');
    const taken = readdirSync(dir).flatMap((file) =>
      [...readFileSync(path.join(dir, file), 'utf8').matchAll(/name: ccp-secrets\s+key: (\S+)/g)].map((match) => match[1]!),
    );
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
    const values = files('deploy/secrets').flatMap((file) =>
      Object.values((parseYaml(readFileSync(path.join(ROOT, file), 'utf8')) as { stringData: Record<string, string> }).stringData),
    );
    expect(values.filter((value) => !value.includes('REPLACE_ME'))).toEqual([]);
  });

  it('flags a real-looking secret (the check itself)', () => {
    const sample = 'CCP_S3_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYxx\n';
    expect(SUSPICIOUS.filter(([, pattern]) => pattern.test(sample)).map(([what]) => what)).toEqual(['a long base64 or hex value']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One copy of each helper (issue #13): the helpers that had drifted apart into two or more
 * copies have one home each, and a second definition fails here with the file to use instead.
 * Process spawning is kept to the runner by ESLint (`no-restricted-imports` of node:child_process
 * in eslint.config.mjs), not here.
 */
const ROOT = path.resolve(__dirname, '../..');
/** Service code, and the test helpers that specs share (test/support, test/scan-support). */
const SOURCE_ROOTS = ['shared', 'functions', 'cli', 'test/support', 'test/scan-support'];

interface Family {
  name: string;
  /** What a definition of the helper looks like in code (comments are stripped first). */
  definition: RegExp;
  /** The files allowed to hold it, each with why. */
  allowed: Record<string, string>;
  /** What to call instead. */
  use: string;
  /** Lines that are copies, as the issue found them: the pattern must keep catching them. */
  copies: string[];
}

const FAMILIES: Family[] = [
  {
    name: 'HTML escaping',
    definition: /function escapeHtml\b|\bescapeHtml\s*=|['"]&amp;['"]/,
    allowed: { 'shared/reports/html-escape.ts': 'the escaper' },
    use: 'escapeHtml from shared/reports/html-escape',
    copies: ['function escapeHtml(text: string): string {', "const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;' };"],
  },
  {
    name: 'shell tokenizing',
    definition: /function \w*[Tt]okeni[sz]e\w*\s*[(<]|function split\w*Words\s*[(<]/,
    allowed: { 'shared/dockerfile/shell/tokenize.ts': 'the tokenizer (variables and notes are its options)' },
    use: 'tokenize from shared/dockerfile/shell/tokenize (options.variables, options.notes)',
    copies: ['export function splitShellWords(text: string, variables = {}): SplitResult {', 'function tokenizeScript(text: string) {'],
  },
  {
    name: 'package URL building',
    definition: /[`'"]pkg:/,
    allowed: { 'shared/reports/purl.ts': 'the purl builder' },
    use: 'packageUrl (or rpmPurl, npmPurl, pypiPurl, gemPurl) from shared/reports/purl',
    copies: ['const purl = `pkg:generic/${name}`;', "return 'pkg:rpm/' + vendor + '/' + name;"],
  },
  {
    name: 'redaction',
    definition: /\bREDACTED\s*=|function redact\w*\s*[(<]|\b(split|replaceAll)\(\s*secret\w*\s*[,)]/,
    allowed: { 'shared/redact/redact.ts': 'the redactor' },
    use: 'redact / redactorFor from shared/redact',
    copies: [
      "const REDACTED = '[redacted]';",
      'for (const secret of secrets) text = text.split(secret).join("***");',
      'function redactSecrets(text: string): string {',
    ],
  },
  {
    name: 'the list of configured secrets',
    // A function of the config, or a `secrets` list gathering secret fields by hand (not through the helpers).
    definition:
      /function \w*[Ss]ecrets\w*\s*\(\s*config\b|\bsecrets\s*(=|\.push\()(?![^\n]*\b(login|configured)Secrets\()[^\n]*\b(password|secretAccessKey|ingressToken|registryNotifyToken)\b/,
    allowed: {
      'shared/redact/secrets.ts': 'the one list (configuredSecrets, and loginSecrets for a login of a build)',
      // Reads the `CCP_*` variables named like secrets into mail.secrets: the list's input, not a copy of it.
      'shared/config/mail-settings.ts': 'reads the secret variables configuredSecrets lists',
      // Its own two keys, for the SDK's error text, from the settings the store is made with: no
      // Config is at hand there, and the access key id, no secret elsewhere, is one in a store error.
      'shared/store/s3-store.ts': 'the S3 store redacts its own credentials',
      // mail.secrets there also gathers the webhook, registry and S3 secrets that configuredSecrets
      // adds itself; shared/config belongs to the settings change, which is to drop those lines.
      'shared/config/config.ts': 'known leftover, owned by the config change',
    },
    use: 'configuredSecrets or loginSecrets from shared/redact',
    copies: [
      'export function secretsOf(config: Config): string[] {',
      'mail.secrets = [...mail.secrets, config.registryAuth.password];',
      "const secrets = spec.registry.password ? [spec.registry.password, `${spec.registry.username ?? ''}:${spec.registry.password}`] : [];",
    ],
  },
  {
    name: 'pushing to a registry',
    definition: /blobs\/uploads\//,
    allowed: { 'shared/registry/registry-push.ts': 'the pusher (pushTarget, pushBlob, pushManifest)' },
    use: 'pushTarget, pushBlob and pushManifest from shared/registry/registry-push',
    copies: ["const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });"],
  },
  {
    name: "choosing a base image's recorded digest",
    // Both build backends record the base the same way (the registry's digest when its config is
    // the base's own, else the storage's): the provenance and the parent check must not depend on
    // which backend built.
    definition: /\bconfigDigest\s*===|===\s*[\w?.!]*\bconfigDigest\b|\bconfig\.digest\s*===|===\s*[\w?.!]*\bconfig\.digest\b/,
    allowed: { 'functions/build/builders/base-image.ts': 'baseImageDigests (and pipelineManifestLookup for the registry)' },
    use: 'baseImageDigests from functions/build/builders/base-image',
    copies: [
      'if (served && base?.id && served.configDigest === fullId(base.id) && DIGEST.test(served.digest)) return [{ ref: name, digest: served.digest }];',
      'if (imageId === manifest.config.digest) digests.push({ ref: name, digest });',
    ],
  },
  {
    name: "DSSE's pre-authentication encoding",
    // The signer (build) and the verifier (ccp verify, the dispatcher later) must encode alike.
    definition: /[`'"]DSSEv1\b/,
    allowed: { 'shared/attest/dsse.ts': 'preAuthEncoding, signEnvelope and verifyEnvelope' },
    use: 'preAuthEncoding / signEnvelope / verifyEnvelope from shared/attest/dsse',
    copies: ["const pae = Buffer.concat([Buffer.from('DSSEv1 '), Buffer.from(String(type.length))]);", 'return `DSSEv1 ${type.length} ${type}`;'],
  },
];

/** Non-test TypeScript below the source roots: no specs, tests or fixtures. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') walk(child);
      } else if (/\.ts$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name)) {
        files.push(child);
      }
    }
  };
  SOURCE_ROOTS.forEach(walk);
  return files.sort();
}

/** The code of a file without its comments, so a JSDoc example is not a definition. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

const FILES = sourceFiles().map((file) => ({ file, code: code(readFileSync(path.join(ROOT, file), 'utf8')) }));

describe('one copy of each helper', () => {
  it('reads the source', () => {
    expect(FILES.length).toBeGreaterThan(200);
  });

  it.each(FAMILIES.map((family) => [family.name, family] as const))('%s: defined only where allowed', (_name, family) => {
    const defining = FILES.filter(({ code: text }) => family.definition.test(text)).map(({ file }) => file);
    const extra = defining.filter((file) => !(file in family.allowed)).map((file) => `${file} defines ${family.name} again: use ${family.use}`);
    expect(extra).toEqual([]);
    // The home itself must still match, or the pattern no longer sees the helper it guards.
    const survivor = Object.keys(family.allowed)[0]!;
    expect(defining).toContain(survivor);
  });

  it.each(FAMILIES.flatMap((family) => family.copies.map((copy) => [family.name, copy, family.definition] as const)))(
    '%s: a copy like %j is caught',
    (_name, copy, definition) => {
      expect(definition.test(code(copy))).toBe(true);
    },
  );
});

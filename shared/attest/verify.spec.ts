import { generateKeyPairSync } from 'node:crypto';
import { provenanceStatement, sbomStatement, type BuildFacts } from './provenance';
import { CosignKeyError, parseCosignPublicKey, summarizeProvenance, summarizeSbom } from './verify';

const pem = (key: { export(options: { type: 'spki'; format: 'pem' }): string | Buffer }): string => String(key.export({ type: 'spki', format: 'pem' }));

describe('parseCosignPublicKey', () => {
  it('reads an ECDSA P-256 public key', () => {
    const key = parseCosignPublicKey(pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey), 'k.pub');
    expect(key.asymmetricKeyDetails?.namedCurve).toEqual('prime256v1');
  });

  it.each([
    ['a P-384 key', () => pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey), 'is not an ECDSA P-256 key'],
    ['an RSA key', () => pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey), 'is not an ECDSA P-256 key'],
    ['not a key', () => 'hello', 'cannot read the public key k.pub'],
  ])('refuses %s', (_name, make, message) => {
    expect(() => parseCosignPublicKey(make(), 'k.pub')).toThrow(CosignKeyError);
    expect(() => parseCosignPublicKey(make(), 'k.pub')).toThrow(message);
  });
});

describe('summarizeProvenance', () => {
  it('reads back what provenanceStatement wrote', () => {
    const facts = {
      buildId: '20261206T050000Z-abcd',
      entry: {
        appId: 'app',
        jobId: 'job',
        desiredTag: 'latest',
        gitUrl: 'https://git.example/app.git',
        gitBranch: 'main',
        gitPath: 'sub',
        targetFile: 'Dockerfile',
        buildContext: './',
        dependsOn: [],
        source: { file: 'index.yml', line: 3 },
      },
      commit: 'a'.repeat(40),
      repository: 'registry.example/app/job',
      tag: 'latest',
      digest: `sha256:${'b'.repeat(64)}`,
      baseImages: [{ ref: 'registry.example/base:9', digest: `sha256:${'c'.repeat(64)}` }],
      startedOn: '2026-12-06T05:00:01.000Z',
      finishedOn: '2026-12-06T05:00:09.000Z',
      backend: 'local',
      builderId: 'https://ccp.example/builder/local',
    } as unknown as BuildFacts;
    expect(summarizeProvenance(provenanceStatement(facts))).toEqual({
      builderId: 'https://ccp.example/builder/local',
      gitUrl: 'https://git.example/app.git',
      commit: 'a'.repeat(40),
      dockerfile: 'sub/Dockerfile',
      baseImages: [{ ref: 'registry.example/base:9', digest: `sha256:${'c'.repeat(64)}` }],
      buildId: '20261206T050000Z-abcd',
      startedOn: '2026-12-06T05:00:01.000Z',
      finishedOn: '2026-12-06T05:00:09.000Z',
    });
  });

  it('leaves out what a predicate lacks', () => {
    expect(summarizeProvenance({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'x', predicate: null })).toEqual({ baseImages: [] });
  });
});

describe('summarizeSbom', () => {
  const DIGEST = `sha256:${'ab'.repeat(32)}`;
  it.each([
    [
      'a BOM with components',
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        serialNumber: 'urn:uuid:1',
        metadata: { timestamp: '2026-12-06T05:00:00Z' },
        components: [{ name: 'a' }, { name: 'b' }],
      },
      { components: 2, specVersion: '1.5', serialNumber: 'urn:uuid:1', timestamp: '2026-12-06T05:00:00Z' },
    ],
    ['a BOM without components', { bomFormat: 'CycloneDX' }, { components: 0 }],
    ['components that are no list, fields of the wrong type', { components: { a: 1 }, specVersion: 5 }, { components: 0 }],
    ['no predicate', null, { components: 0 }],
  ])('%s', (_name, bom, summary) => {
    expect(summarizeSbom(sbomStatement('r/a', DIGEST, bom))).toEqual(summary);
  });
});

import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { createLocalBuilder } from '../../functions/build/builders/local';
import { main } from '../../cli/main';
import { attestBuild } from '../../functions/build/attest/attest-build';
import { pushArtifact } from '../../functions/build/attest/oci-push';
import { attestationArtifact, cosignTag, signatureArtifact } from '../../shared/attest/cosign';
import type { DsseEnvelope } from '../../shared/attest/dsse';
import { AttestationKeyError, loadAttestationKey } from '../../functions/build/attest/attest-image';
import { removeStorage } from '../../shared/builds/storage';
import type { BuildOutcome, BuildSpec } from '../../shared/builds/builder-types';
import type { BuildRecord } from '../../shared/builds/types';
import { EXAMPLE_CAUSE } from '../../shared/events/contracts/examples';
import { createLocalRepo } from '../../shared/git/local-repo';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { FsObjectStore } from '../../shared/store/fs-store';
import { reportKey } from '../../shared/store/keys';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { entryFor, MemoryLog, specFor } from '../builders/build-fixtures';
import { buildFunction } from '../../functions/build';
import type { BuildContext } from '../../functions/build/service-for';
import { scanFunction } from '../../functions/scan';
import { BuildRecords } from '../../shared/builds/records';
import { loadConfig } from '../../shared/config/config';
import type { ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { makeEvent } from '../../shared/events/make';
import { EventTypes } from '../../shared/events/types';
import { createFunctionContext } from '../../shared/function/context';
import { silentLogger } from '../../shared/log/logger';
import { functionContext } from '../support/function-context';

/** The SLSA v1 provenance schema, a copy with its source in `$comment`. */
const SCHEMA_FILE = path.join(__dirname, '../__fixtures__/slsa/provenance-v1.schema.json');
/** The in-toto Statement v1 schema, rendered from its specification (source in `$comment`). */
const STATEMENT_SCHEMA_FILE = path.join(__dirname, '../__fixtures__/in-toto/statement-v1.schema.json');
/** A Python package the image carries, so its SBOM has a component to count. */
const SITE_PACKAGES = '/usr/lib/python3.11/site-packages/requests-2.28.0.dist-info';

/**
 * DSSE verification as the spec writes it, independent of ccp's signer: PAE(type, body) =
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, then an ECDSA/SHA-256 verify of each signature.
 * @see https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
function dsseVerify(envelope: { payloadType: string; payload: string; signatures: { sig: string }[] }, publicKey: KeyObject): boolean {
  const body = Buffer.from(envelope.payload, 'base64');
  const type = Buffer.from(envelope.payloadType, 'utf8');
  const pae = Buffer.concat([
    Buffer.from('DSSEv1 '),
    Buffer.from(String(type.length)),
    Buffer.from(' '),
    type,
    Buffer.from(' '),
    Buffer.from(String(body.length)),
    Buffer.from(' '),
    body,
  ]);
  return envelope.signatures.length > 0 && envelope.signatures.every((signature) => verify('sha256', pae, publicKey, Buffer.from(signature.sig, 'base64')));
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

describe('attestation: a real build signed and attested in cosign format', () => {
  let dir: string;
  let registry: LocalRegistry;
  let baseDigest: string;
  let commit: string;
  let spec: BuildSpec;
  let outcome: BuildOutcome;
  let store: FsObjectStore;
  let publicKey: KeyObject;
  let privateKey: KeyObject;
  let publicKeyFile: string;
  let buildLog: string;
  let keyFile: string;
  let record: BuildRecord;
  const storage = { root: '', runroot: '' };

  const registryGet = async (suffix: string, accept?: string): Promise<Response> =>
    fetch(`${registry.url}/v2/sample/child/${suffix}`, accept ? { headers: { accept } } : {});
  const manifest = async (tag: string): Promise<{ mediaType: string; config: Descriptor; layers: Descriptor[] }> => {
    const response = await registryGet(`manifests/${tag}`, 'application/vnd.oci.image.manifest.v1+json');
    expect(response.status).toEqual(200);
    return (await response.json()) as { mediaType: string; config: Descriptor; layers: Descriptor[] };
  };
  const blob = async (digest: string): Promise<Buffer> => Buffer.from(await (await registryGet(`blobs/${digest}`)).arrayBuffer());

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-attest-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    baseDigest = (await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: registry.address })).digest;
    const repo = await createLocalRepo('master', path.join(dir, 'repo'));
    commit = await repo.commit({
      'app/Dockerfile': `FROM sample/base:latest\nRUN echo attested > /attested && mkdir -p ${SITE_PACKAGES} && printf 'Metadata-Version: 2.1\\nName: requests\\nVersion: 2.28.0\\n' > ${SITE_PACKAGES}/METADATA\n`,
    });
    storage.root = path.join(dir, 'buildah', 'root');
    storage.runroot = path.join(dir, 'buildah', 'runroot');
    const builder = createLocalBuilder({ workDir: path.join(dir, 'work'), buildah: storage, retries: 0 });
    spec = specFor(entryFor(repo.url), commit, { address: registry.address, tlsVerify: false });
    const log = new MemoryLog();
    const start = await builder.start(spec, log, new AbortController().signal);
    if (start.kind !== 'finished') throw new Error('the local builder finishes in the call');
    outcome = start.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded' });

    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    keyFile = path.join(dir, 'attestation.pem');
    await writeFile(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    publicKey = createPublicKey(keys.publicKey.export({ type: 'spki', format: 'pem' }));
    privateKey = keys.privateKey;
    publicKeyFile = path.join(dir, 'attestation.pem.pub');
    await writeFile(publicKeyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    store = new FsObjectStore(path.join(dir, 'store'));
    record = {
      buildId: spec.buildId,
      project: { appId: 'sample', jobId: 'child', desiredTag: 'latest' },
      name: 'sample/child:latest',
      status: 'running',
      cause: EXAMPLE_CAUSE,
      causeChain: [EXAMPLE_CAUSE],
      commit,
      entry: spec.entry,
      image: { ref: spec.imageRef },
      backend: 'local',
      timings: { queuedAt: '2026-12-06T05:00:00.000Z', startedAt: '2026-12-06T05:00:01.000Z' },
      links: { log: 'unused' },
      updatedAt: '2026-12-06T05:00:01.000Z',
    };
    buildLog = await attestBuild(record, outcome, new Date('2026-12-06T05:00:09.000Z'), {
      attestation: { key: loadAttestationKey(keyFile), builderId: 'https://ccp.example/builder/local' },
      registry: { address: registry.address, tlsVerify: false },
      store,
    });
  }, 240_000);

  afterAll(async () => {
    await registry?.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  });

  const repository = (): string => `${registry.address}/sample/child`;
  const storedEnvelopes = async (): Promise<{ payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] }[]> =>
    JSON.parse(
      (await store.get(reportKey({ appId: 'sample', jobId: 'child', desiredTag: 'latest' }, spec.buildId, 'attestations.dsse.json')))!.body.toString('utf8'),
    );

  it('says in the build log where the signature and the attestation are', () => {
    const tag = outcome.digest!.replace(':', '-');
    expect(buildLog).toContain(`signed ${repository()}:${tag}.sig, attested ${repository()}:${tag}.att`);
  });

  it('writes a provenance that validates against the SLSA v1 schema and names the commit and the base digest built', async () => {
    const [envelope] = await storedEnvelopes();
    const statement = JSON.parse(Buffer.from(envelope!.payload, 'base64').toString('utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', (text: string) => URL.canParse(text));
    ajv.addFormat(
      'date-time',
      (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)),
    );
    const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')));
    expect(validate(statement) ? [] : validate.errors).toEqual([]);
    // The schema can fail: without a builder id, or with a short commit, it refuses.
    expect(validate({ ...statement, predicate: { ...statement.predicate, runDetails: { metadata: {} } } })).toBe(false);
    const shortCommit = structuredClone(statement);
    shortCommit.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = 'abc';
    expect(validate(shortCommit)).toBe(false);
    expect(statement.subject).toEqual([{ name: repository(), digest: { sha256: outcome.digest!.slice('sha256:'.length) } }]);
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
      { uri: `git+${spec.entry.gitUrl}@refs/heads/master`, digest: { gitCommit: commit } },
      {
        uri: `oci://${registry.address}/sample/base:latest`,
        name: `${registry.address}/sample/base:latest`,
        digest: { sha256: baseDigest.slice('sha256:'.length) },
      },
    ]);
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({
      index: { appId: 'sample', jobId: 'child', desiredTag: 'latest' },
      source: { gitUrl: spec.entry.gitUrl, gitBranch: 'master' },
      dockerfile: 'app/Dockerfile',
      buildContext: 'app',
    });
    expect(statement.predicate.runDetails).toEqual({
      builder: { id: 'https://ccp.example/builder/local' },
      metadata: { invocationId: spec.buildId, startedOn: '2026-12-06T05:00:01.000Z', finishedOn: '2026-12-06T05:00:09.000Z' },
    });
  });

  it('signs the provenance in a DSSE envelope that a verifier written from the spec accepts, and refuses when tampered', async () => {
    const [envelope] = await storedEnvelopes();
    expect(envelope!.payloadType).toEqual('application/vnd.in-toto+json');
    expect(dsseVerify(envelope!, publicKey)).toBe(true);
    const statement = JSON.parse(Buffer.from(envelope!.payload, 'base64').toString('utf8'));
    statement.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = '0'.repeat(40);
    expect(dsseVerify({ ...envelope!, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }, publicKey)).toBe(false);
    // PAE binds the type: the same payload under another type does not verify.
    expect(dsseVerify({ ...envelope!, payloadType: 'application/json' }, publicKey)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(dsseVerify(envelope!, other)).toBe(false);
  });

  it("pushes the .sig manifest with exactly cosign's media types and annotation, its signature verifying over the payload", async () => {
    const signature = await manifest(`${outcome.digest!.replace(':', '-')}.sig`);
    expect(signature.mediaType).toEqual('application/vnd.oci.image.manifest.v1+json');
    expect(signature.config.mediaType).toEqual('application/vnd.oci.image.config.v1+json');
    expect(signature.layers.map((layer) => [layer.mediaType, Object.keys(layer.annotations ?? {})])).toEqual([
      ['application/vnd.dev.cosign.simplesigning.v1+json', ['dev.cosignproject.cosign/signature']],
    ]);
    const [layer] = signature.layers;
    const payload = await blob(layer!.digest);
    expect(JSON.parse(payload.toString('utf8'))).toEqual({
      critical: {
        identity: { 'docker-reference': repository() },
        image: { 'docker-manifest-digest': outcome.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    });
    const sig = Buffer.from(layer!.annotations!['dev.cosignproject.cosign/signature']!, 'base64');
    expect(verify('sha256', payload, publicKey, sig)).toBe(true);
    const tampered = Buffer.from(payload.toString('utf8').replace(outcome.digest!, `sha256:${'0'.repeat(64)}`));
    expect(verify('sha256', tampered, publicKey, sig)).toBe(false);
    // The config names the layer as cosign's does: rootfs diff_ids = the layer digests.
    expect(JSON.parse((await blob(signature.config.digest)).toString('utf8')).rootfs).toEqual({ type: 'layers', diff_ids: [layer!.digest] });
  });

  it('pushes the .att manifest: one DSSE envelope layer per statement, annotated with its predicateType', async () => {
    const attestation = await manifest(`${outcome.digest!.replace(':', '-')}.att`);
    expect(attestation.layers.map((layer) => [layer.mediaType, layer.annotations])).toEqual([
      ['application/vnd.dsse.envelope.v1+json', { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://slsa.dev/provenance/v1' }],
    ]);
    const envelope = JSON.parse((await blob(attestation.layers[0]!.digest)).toString('utf8'));
    expect(dsseVerify(envelope, publicKey)).toBe(true);
    expect(envelope).toEqual((await storedEnvelopes())[0]);
  });

  /** `ccp verify` as a user runs it, with its exit status and what it printed. */
  const ccpVerify = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text), env: {}, cwd: dir };
    const code = await main(['--data-dir', path.join(dir, 'ccp'), 'verify', spec.imageRef, ...args], io);
    return { code, stdout, stderr };
  };
  const registryAccess = () => ({ address: registry.address, tlsVerify: false });
  const repositoryPath = 'sample/child';

  it('ccp verify --cosign-key verifies the .sig and the .att and prints the provenance with the real commit and base digest', async () => {
    const text = await ccpVerify('--cosign-key', publicKeyFile);
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    expect(text.stdout).toContain(`verified ${spec.imageRef} (${outcome.digest}) with the cosign key`);
    expect(text.stdout).toContain(`source      ${spec.entry.gitUrl} @ ${commit}`);
    expect(text.stdout).toContain(`base images ${registry.address}/sample/base:latest@${baseDigest}`);
    expect(text.stdout).toContain(`build       ${spec.buildId}`);
    const json = await ccpVerify('--cosign-key', publicKeyFile, '--json');
    const document = JSON.parse(json.stdout);
    expect({ code: json.code, verified: document.verified, reasons: document.cosign.reasons, provenance: document.cosign.provenance }).toEqual({
      code: 0,
      verified: true,
      reasons: [],
      provenance: {
        builderId: 'https://ccp.example/builder/local',
        gitUrl: spec.entry.gitUrl,
        commit,
        dockerfile: 'app/Dockerfile',
        baseImages: [{ ref: `${registry.address}/sample/base:latest`, digest: baseDigest }],
        buildId: spec.buildId,
        startedOn: '2026-12-06T05:00:01.000Z',
        finishedOn: '2026-12-06T05:00:09.000Z',
      },
    });
    expect(document.cosign.statements[0].predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit).toEqual(commit);
  });

  it('ccp verify --cosign-key fails with a wrong key, and is a usage error with no key or a key that is not P-256', async () => {
    const wrongFile = path.join(dir, 'wrong.pub');
    await writeFile(wrongFile, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = await ccpVerify('--cosign-key', wrongFile);
    expect(wrong.code).toEqual(1);
    expect(wrong.stdout).toContain(`NOT verified: ${cosignTag(outcome.digest!, 'sig')}: the signature does not verify with the key`);
    expect(wrong.stdout).toContain(`NOT verified: ${cosignTag(outcome.digest!, 'att')} layer 1: the DSSE envelope does not verify with the key`);
    expect(wrong.stdout).not.toContain(commit);
    const rsaFile = path.join(dir, 'rsa.pub');
    await writeFile(rsaFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await ccpVerify('--cosign-key', rsaFile)).code).toEqual(2);
    expect((await ccpVerify()).code).toEqual(2);
  });

  it('ccp verify --cosign-key fails when the .att layer is tampered with (re-pushed with another commit)', async () => {
    const [envelope] = (await storedEnvelopes()) as DsseEnvelope[];
    const statement = JSON.parse(Buffer.from(envelope!.payload, 'base64').toString('utf8'));
    statement.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = '0'.repeat(40);
    const tampered = { ...envelope!, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
    const predicateType = 'https://slsa.dev/provenance/v1';
    await pushArtifact(registryAccess(), repositoryPath, attestationArtifact(outcome.digest!, [{ envelope: tampered, predicateType }]));
    try {
      const result = await ccpVerify('--cosign-key', publicKeyFile);
      expect(result.code).toEqual(1);
      expect(result.stdout).toContain(`${cosignTag(outcome.digest!, 'att')} layer 1: the DSSE envelope does not verify with the key`);
      expect(result.stdout).toContain(`${cosignTag(outcome.digest!, 'sig')}: verified`);
    } finally {
      await pushArtifact(registryAccess(), repositoryPath, attestationArtifact(outcome.digest!, [{ envelope: envelope!, predicateType }]));
    }
    expect((await ccpVerify('--cosign-key', publicKeyFile)).code).toEqual(0);
  });

  it("ccp verify --cosign-key fails when the .sig is another image's, validly signed", async () => {
    const other = signatureArtifact(repository(), baseDigest, privateKey);
    await pushArtifact(registryAccess(), repositoryPath, { ...other, tag: cosignTag(outcome.digest!, 'sig') });
    try {
      const result = await ccpVerify('--cosign-key', publicKeyFile);
      expect(result.code).toEqual(1);
      expect(result.stdout).toContain(`${cosignTag(outcome.digest!, 'sig')}: the signature is for ${baseDigest}, not the image's ${outcome.digest}`);
    } finally {
      await pushArtifact(registryAccess(), repositoryPath, signatureArtifact(repository(), outcome.digest!, privateKey));
    }
    expect((await ccpVerify('--cosign-key', publicKeyFile)).code).toEqual(0);
  });

  it('reports a registry that cannot take the signature in the build log, without failing the build', async () => {
    const record = {
      buildId: 'b',
      project: { appId: 'sample', jobId: 'child', desiredTag: 'latest' },
      commit,
      entry: spec.entry,
      image: { ref: '127.0.0.1:1/sample/child:latest' },
    };
    const line = await attestBuild({ ...record, timings: { queuedAt: '2026-12-06T05:00:00.000Z' } } as BuildRecord, outcome, new Date(), {
      attestation: { key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey },
      registry: { address: '127.0.0.1:1', tlsVerify: false },
      store,
    });
    expect(line).toMatch(/^ccp: WARNING: the image is pushed but not signed: /);
  });

  it.each([
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })],
    ['a P-384 key', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' })],
    ['not a key', () => 'hello'],
  ])('refuses %s as the attestation key', async (_name, make) => {
    const file = path.join(dir, 'wrong.pem');
    await writeFile(file, make());
    expect(() => loadAttestationKey(file)).toThrow(AttestationKeyError);
  });

  describe('the SBOM of a real scan, attached by the build function on scan.completed', () => {
    const PROJECT = { appId: 'sample', jobId: 'child', desiredTag: 'latest' };
    let buildContext: BuildContext;
    let scanContext: Awaited<ReturnType<typeof createFunctionContext>>;
    let scanned: ScanCompletedData;
    let provenanceLayer: Descriptor;

    const attestationManifest = async (): Promise<{ digest: string; layers: Descriptor[] }> => {
      const response = await registryGet(`manifests/${cosignTag(outcome.digest!, 'att')}`, 'application/vnd.oci.image.manifest.v1+json');
      expect(response.status).toEqual(200);
      const body = (await response.json()) as { layers: Descriptor[] };
      return { digest: response.headers.get('docker-content-digest')!, layers: body.layers };
    };
    const scan = async (reason: 'build' | 'weekly', id: string): Promise<ScanCompletedData> => {
      const request = makeEvent(
        EventTypes.scanRequested,
        { project: PROJECT, image: { ref: spec.imageRef, digest: outcome.digest! }, reason, buildId: spec.buildId },
        { source: '/test', id },
      );
      const [completed] = await scanFunction.handle(request, scanContext);
      expect(completed!.type).toEqual(EventTypes.scanCompleted);
      return completed!.data as ScanCompletedData;
    };
    const deliver = async (data: ScanCompletedData, id: string, context: BuildContext = buildContext): Promise<unknown[]> =>
      buildFunction.handle(makeEvent(EventTypes.scanCompleted, data, { source: '/test/scan', id }), context);
    const envelopeOfLayer = async (layer: Descriptor): Promise<DsseEnvelope> => JSON.parse((await blob(layer.digest)).toString('utf8')) as DsseEnvelope;
    const statementOf = (envelope: DsseEnvelope): { _type: string; subject: unknown; predicateType: string; predicate: unknown } =>
      JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    const storedJson = async (key: string): Promise<unknown> => JSON.parse((await store.get(key))!.body.toString('utf8'));

    beforeAll(async () => {
      // The build function's record of the build, as its service leaves a succeeded one.
      await new BuildRecords(store).put({ ...record, status: 'succeeded', image: { ref: spec.imageRef, digest: outcome.digest! } });
      // No package registry is reachable: the update scanners fail at once, the inventory (the SBOM) stands.
      const offline = { CCP_PYPI_URL: 'http://127.0.0.1:1', CCP_NPM_REGISTRY_URL: 'http://127.0.0.1:1', CCP_RUBYGEMS_URL: 'http://127.0.0.1:1' };
      scanContext = await createFunctionContext(loadConfig({ dataDir: path.join(dir, 'scan-data'), registry: registry.address }, offline), silentLogger, {
        store,
      });
      const config = loadConfig({ dataDir: path.join(dir, 'build-data'), registry: registry.address }, { CCP_ATTESTATION_KEY_FILE: keyFile });
      buildContext = await functionContext(buildFunction, config, silentLogger, { store });
      provenanceLayer = (await attestationManifest()).layers[0]!;
      scanned = await scan('build', 'scan-1');
      expect(await deliver(scanned, 'scan-1/scan')).toEqual([]);
    }, 120_000);

    it('appends a second .att layer: the SBOM statement, DSSE-signed, next to the unchanged provenance', async () => {
      const { layers } = await attestationManifest();
      expect(layers.map((layer) => [layer.mediaType, layer.annotations])).toEqual([
        ['application/vnd.dsse.envelope.v1+json', { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://slsa.dev/provenance/v1' }],
        ['application/vnd.dsse.envelope.v1+json', { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://cyclonedx.org/bom' }],
      ]);
      expect(layers[0]).toEqual(provenanceLayer);
      const envelopes = await Promise.all(layers.map(envelopeOfLayer));
      expect(envelopes.map((envelope) => [envelope.payloadType, dsseVerify(envelope, publicKey)])).toEqual([
        ['application/vnd.in-toto+json', true],
        ['application/vnd.in-toto+json', true],
      ]);
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
      expect(dsseVerify(envelopes[1]!, other)).toBe(false);
    });

    it('makes an in-toto Statement v1 whose predicate is the stored SBOM and whose subject is the image digest', async () => {
      const [, layer] = (await attestationManifest()).layers;
      const statement = statementOf(await envelopeOfLayer(layer!));
      const ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addFormat('uri', (text: string) => URL.canParse(text));
      const validate = ajv.compile(JSON.parse(await readFile(STATEMENT_SCHEMA_FILE, 'utf8')));
      expect(validate(statement) ? [] : validate.errors).toEqual([]);
      // The schema can fail: a subject without a digest, an upper-case sha256, another _type.
      expect(validate({ ...statement, subject: [{ name: repository() }] })).toBe(false);
      expect(validate({ ...statement, subject: [{ name: repository(), digest: { sha256: 'AB' } }] })).toBe(false);
      expect(validate({ ...statement, _type: 'https://in-toto.io/Statement/v0.1' })).toBe(false);
      expect(statement.predicateType).toEqual('https://cyclonedx.org/bom');
      expect(statement.subject).toEqual([{ name: repository(), digest: { sha256: outcome.digest!.slice('sha256:'.length) } }]);
      const sbom = (await storedJson(scanned.reports.sbom)) as { metadata: { component: { version: string } }; components: { purl: string }[] };
      expect(statement.predicate).toEqual(sbom);
      expect(sbom.metadata.component.version).toEqual(outcome.digest);
      expect(sbom.components.map((component) => component.purl)).toEqual(['pkg:pypi/requests@2.28.0']);
      // Kept with the reports, beside the SBOM: the envelope pushed.
      expect(await storedJson(reportKey(PROJECT, spec.buildId, 'sbom.dsse.json'))).toEqual(await envelopeOfLayer(layer!));
    });

    it('adds nothing when scan.completed is delivered again or the same SBOM is scanned again', async () => {
      const before = await attestationManifest();
      expect(await buildContext.attachSbom!(scanned)).toEqual({ status: 'unchanged', digest: outcome.digest });
      await deliver(scanned, 'scan-1/scan');
      // The build's own scan answered again from its stored reports: the same SBOM.
      const again = await scan('build', 'scan-1-again');
      expect(again.reports.sbom).toEqual(scanned.reports.sbom);
      await deliver(again, 'scan-1-again/scan');
      expect(await attestationManifest()).toEqual(before);
    });

    it("refuses a forged scan.completed: another project's SBOM key, an SBOM of another project, a digest it did not build", async () => {
      const before = await attestationManifest();
      const other = { appId: 'intruder', jobId: 'child', desiredTag: 'latest' };
      // Names sample/child's SBOM as another project's: the key is not that project's.
      const crossKey = await buildContext.attachSbom!({ ...scanned, project: other });
      expect(crossKey).toEqual({ status: 'refused', reason: `${scanned.reports.sbom} is not the SBOM key of a scan of intruder/child:latest` });
      // Another project's own SBOM that names sample/child's image: no build of it there.
      const sbom = (await storedJson(scanned.reports.sbom)) as Record<string, unknown>;
      const planted = reportKey(other, 'scan-x', 'sbom.cdx.json');
      await store.put(planted, JSON.stringify(sbom));
      const otherProject = await buildContext.attachSbom!({ ...scanned, project: other, reports: { ...scanned.reports, sbom: planted } });
      expect(otherProject).toEqual({ status: 'refused', reason: `intruder/child:latest has no build of ${outcome.digest} by this function` });
      // sample/child's folder, an SBOM naming the base image's digest (in the registry, not built here).
      const forged = reportKey(PROJECT, 'scan-forged', 'sbom.cdx.json');
      const metadata = sbom['metadata'] as { component: Record<string, unknown> };
      await store.put(forged, JSON.stringify({ ...sbom, metadata: { ...metadata, component: { ...metadata.component, version: baseDigest } } }));
      const notBuilt = await buildContext.attachSbom!({ ...scanned, reports: { ...scanned.reports, sbom: forged } });
      expect(notBuilt).toEqual({ status: 'refused', reason: `sample/child:latest has no build of ${baseDigest} by this function` });
      // The built digest under another repository's name.
      const renamed = reportKey(PROJECT, 'scan-renamed', 'sbom.cdx.json');
      await store.put(
        renamed,
        JSON.stringify({ ...sbom, metadata: { ...metadata, component: { ...metadata.component, name: `${registry.address}/sample/base` } } }),
      );
      expect(await buildContext.attachSbom!({ ...scanned, reports: { ...scanned.reports, sbom: renamed } })).toMatchObject({ status: 'refused' });
      // Through the handler too: nothing answered, nothing attached.
      expect(await deliver({ ...scanned, reports: { ...scanned.reports, sbom: forged } }, 'forged/scan')).toEqual([]);
      expect(await attestationManifest()).toEqual(before);
    });

    it('refuses an SBOM over the size bound without reading it whole', async () => {
      const big = reportKey(PROJECT, 'scan-big', 'sbom.cdx.json');
      await store.put(big, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
      expect(await buildContext.attachSbom!({ ...scanned, reports: { ...scanned.reports, sbom: big } })).toEqual({
        status: 'refused',
        reason: `the SBOM ${big} has ${4 * 1024 * 1024 + 1} bytes, more than ${4 * 1024 * 1024}`,
      });
    });

    it('without an attestation key takes scan.completed and attaches nothing', async () => {
      const before = await attestationManifest();
      const keyless = await functionContext(buildFunction, loadConfig({ dataDir: path.join(dir, 'keyless'), registry: registry.address }, {}), silentLogger, {
        store,
      });
      expect(keyless.attachSbom).toBeUndefined();
      expect(await deliver(scanned, 'keyless/scan', keyless)).toEqual([]);
      expect(await attestationManifest()).toEqual(before);
    });

    it('replaces the SBOM layer with the new SBOM of a weekly rescan, keeping the provenance, and ccp verify summarizes both', async () => {
      const before = await attestationManifest();
      const weekly = await scan('weekly', 'weekly-1');
      expect(weekly.reports.sbom).not.toEqual(scanned.reports.sbom);
      await deliver(weekly, 'weekly-1/scan');
      const after = await attestationManifest();
      expect(after.layers.map((layer) => layer.annotations?.['predicateType'])).toEqual(['https://slsa.dev/provenance/v1', 'https://cyclonedx.org/bom']);
      expect(after.layers[0]).toEqual(provenanceLayer);
      expect(after.layers[1]!.digest).not.toEqual(before.layers[1]!.digest);
      const statement = statementOf(await envelopeOfLayer(after.layers[1]!));
      expect(statement.predicate).toEqual(await storedJson(weekly.reports.sbom));

      const text = await ccpVerify('--cosign-key', publicKeyFile);
      expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
      expect(text.stdout).toContain('(https://slsa.dev/provenance/v1, https://cyclonedx.org/bom)');
      expect(text.stdout).toContain(`source      ${spec.entry.gitUrl} @ ${commit}`);
      expect(text.stdout).toMatch(/\n {2}SBOM: 1 component \(CycloneDX 1\.5, urn:uuid:[0-9a-f-]+, \d{4}-/);
      const document = JSON.parse((await ccpVerify('--cosign-key', publicKeyFile, '--json')).stdout);
      expect({ sbom: document.cosign.sbom.components, types: document.cosign.statements.map((s: { predicateType: string }) => s.predicateType) }).toEqual({
        sbom: 1,
        types: ['https://slsa.dev/provenance/v1', 'https://cyclonedx.org/bom'],
      });
    });
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudEvent } from 'cloudevents';
import { verifyCommand } from '../../cli/commands/verify';
import { buildFunction } from '../../functions/build';
import type { BuildContext } from '../../functions/build/service-for';
import { removeStorage } from '../../shared/builds/storage';
import { loadConfig } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import type { LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { makeEvent } from '../../shared/events/make';
import { EventTypes } from '../../shared/events/types';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { RegistryClient } from '../../shared/registry/registry-client';
import { signPushedImage } from '../../shared/signing/image-signatures';
import { ParentSignatureVerifier } from '../../shared/signing/parent-signatures';
import { generateSigningKey, lookasideKey, type GeneratedKey } from '../../shared/signing/simple-signing';
import { FsObjectStore } from '../../shared/store/fs-store';
import { functionContext } from '../support/function-context';
import { startSignatureApiRegistry, type SignatureApiRegistry } from '../support/signature-api-registry';
import { copyUnderTrust, writeSignedByTrust, type SkopeoTrust } from '../support/skopeo-policy';

const exec = promisify(execFile);

const ENTRY: ProjectEntry = {
  id: 1,
  appId: 'signing',
  jobId: 'app',
  gitUrl: '',
  gitBranch: 'main',
  gitPath: 'app',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: [],
  buildContext: './',
  dependsOn: [],
  source: { file: 'index.d/signing.yaml', line: 1 },
};

/**
 * The registry's own signature storage, as OpenShift's integrated registry offers it: a real
 * docker-registry behind a front that adds the signatures API extension. The build function
 * signs what it built and PUTs the signature there; skopeo (containers/image, what CRI-O
 * enforces with) copies it under a `signedBy` policy with a registries.d that names no
 * lookaside, so the signature can only come from the extension.
 */
describe('signatures in the registry (the signatures API extension), verified by skopeo', () => {
  let dir: string;
  let registry: LocalRegistry;
  let front: SignatureApiRegistry;
  let plain: SignatureApiRegistry;
  let key: GeneratedKey;
  let store: FsObjectStore;
  let context: BuildContext;
  let repo: LocalRepo;
  let trust: SkopeoTrust;
  let creds: string;
  let client: RegistryClient;
  let first: BuildCompletedData;
  const lintEvents = new Map<string, CloudEvent<unknown>>();

  function lintCompleted(buildId: string, commit: string): CloudEvent<unknown> {
    const data: LintCompletedData = {
      buildId,
      project: { appId: ENTRY.appId, jobId: ENTRY.jobId, desiredTag: ENTRY.desiredTag },
      entry: { ...ENTRY, gitUrl: repo.url },
      commit,
      verdict: 'passed',
      blocking: false,
      failureThreshold: 'error',
      counts: { error: 0, warning: 0, info: 0, style: 0 },
      reports: { json: `reports/signing/app/latest/${buildId}/lint.json`, sarif: `reports/signing/app/latest/${buildId}/lint.sarif` },
      cause: { kind: 'manual', message: 'requested by a test' },
      causeChain: [{ kind: 'manual', message: 'requested by a test' }],
    };
    const event = lintEvents.get(buildId) ?? makeEvent(EventTypes.lintCompleted, data, { source: '/ccp/lint', id: `${buildId}/lint` });
    lintEvents.set(buildId, event);
    return event;
  }

  async function build(buildId: string, commit: string): Promise<BuildCompletedData> {
    const events = await buildFunction.handle(lintCompleted(buildId, commit), context);
    const completed = events.find((event) => event.type === EventTypes.buildCompleted);
    return completed!.data as BuildCompletedData;
  }

  const copyUnderPolicy = (ref: string): Promise<string | null> => copyUnderTrust(trust, ref, creds);

  /** The extension PUTs a front saw, whatever it answered (the first try of each goes without credentials: 401). */
  const puts = (server: SignatureApiRegistry): string[] =>
    server.requests
      .filter((request) => request.method === 'PUT' && request.path.startsWith('/extensions/'))
      .map((request) => `${request.status} ${request.path}`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-signatures-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry'), login: true });
    const login = registry.login!;
    creds = `${login.username}:${login.password}`;
    front = await startSignatureApiRegistry({ upstream: registry.address, login });
    plain = await startSignatureApiRegistry({ upstream: registry.address, advertise: false });
    client = new RegistryClient({ credentials: login });
    key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp registry signatures <ccp@localhost>' });
    store = new FsObjectStore(path.join(dir, 'store'));
    const config = loadConfig(
      { dataDir: path.join(dir, 'data'), registry: front.address },
      { CCP_SIGNING_KEY_FILE: key.secretKeyFile, CCP_REGISTRY_USERNAME: login.username, CCP_REGISTRY_PASSWORD: login.password },
    );
    context = await functionContext(buildFunction, config, silentLogger, { store });
    repo = await createLocalRepo('main', path.join(dir, 'repo'));

    // No lookaside for either front: skopeo can only find a signature in the registry.
    trust = await writeSignedByTrust(dir, [front.address, plain.address], key.publicKeyFile);

    const commit = await repo.commit({ 'app/Dockerfile': 'FROM scratch\nCOPY file.txt /file.txt\n', 'app/file.txt': 'signed into the registry\n' }, 'app');
    first = await build('b1', commit);
  }, 240_000);

  afterAll(async () => {
    context?.builds.abort();
    await front?.close();
    await plain?.close();
    await registry?.stop();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('PUTs the signature of what it built into the registry, where skopeo finds it without a lookaside', async () => {
    expect(first).toMatchObject({ status: 'succeeded', image: { ref: `${front.address}/signing/app:latest` } });
    const digest = first.image!.digest!;
    const stored = front.signatures.get(`signing/app@${digest}`)!;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ schemaVersion: 2, type: 'atomic', name: expect.stringMatching(new RegExp(`^${digest}@[0-9a-f]{32}$`)) });
    // The same bytes as the lookaside copy: one signature, published twice.
    expect(Buffer.from(stored[0]!.content, 'base64')).toEqual((await store.get(lookasideKey('signing/app', digest)))!.body);
    expect(puts(front).filter((put) => put.startsWith('201 '))).toEqual([`201 /extensions/v2/signing/app/signatures/${digest}`]);

    const before = front.requests.length;
    expect(await copyUnderPolicy(`${front.address}/signing/app:latest`)).toBeNull();
    expect(await copyUnderPolicy(`${front.address}/signing/app@${digest}`)).toBeNull();
    expect(front.requests.slice(before)).toContainEqual({ method: 'GET', path: `/extensions/v2/signing/app/signatures/${digest}`, status: 200 });
  }, 120_000);

  it('refuses an image nobody signed', async () => {
    await exec('skopeo', [
      'copy',
      '--remove-signatures',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      creds,
      '--dest-creds',
      creds,
      `docker://${registry.address}/signing/app:latest`,
      `docker://${registry.address}/unsigned/app:latest`,
    ]);
    expect(await copyUnderPolicy(`${front.address}/unsigned/app:latest`)).toContain('Source image rejected: A signature was required, but no signature exists');
  }, 120_000);

  it.each([
    [
      'a signature of another repository (the image re-tagged)',
      (content: Buffer) => content,
      /Source image rejected: Signature for identity \S+ is not accepted/,
    ],
    [
      'a tampered signature',
      (content: Buffer) => Buffer.from(content.map((byte, at) => (at === content.length - 20 ? byte ^ 0x01 : byte))),
      // The flipped byte lands in the signature's packets (invalid) or in their compression (no packet left).
      /Source image rejected: (Invalid GPG signature|Unexpected GPG signature count 0)/,
    ],
  ])(
    'refuses %s stored in the registry',
    async (_name, change, refusal) => {
      const digest = first.image!.digest!;
      const genuine = front.signatures.get(`signing/app@${digest}`)![0]!;
      const content = change(Buffer.from(genuine.content, 'base64')).toString('base64');
      front.signatures.set(`unsigned/app@${digest}`, [{ ...genuine, content }]);
      try {
        expect(await copyUnderPolicy(`${front.address}/unsigned/app:latest`)).toMatch(refusal);
      } finally {
        front.signatures.delete(`unsigned/app@${digest}`);
      }
    },
    120_000,
  );

  it('adds no second signature on a redelivered build, nor when the same digest is signed again', async () => {
    const digest = first.image!.digest!;
    const putsBefore = puts(front).length;
    expect(await build('b1', 'ignored: answered from the record')).toEqual(first);
    const again = await signPushedImage({ client, store, ref: parseImageReference(`${front.address}/signing/app:latest`), digest, keyFile: key.secretKeyFile });
    expect(again.registry).toEqual({ url: `http://${front.address}/extensions/v2/signing/app/signatures/${digest}`, added: false });
    expect(puts(front)).toHaveLength(putsBefore);
    expect(front.signatures.get(`signing/app@${digest}`)).toHaveLength(1);
  }, 120_000);

  it('puts nothing into a registry that does not advertise the extension, nor with CCP_SIGNING_REGISTRY_API=off', async () => {
    const digest = first.image!.digest!;
    const signed = await signPushedImage({
      client,
      store,
      ref: parseImageReference(`${plain.address}/signing/app:latest`),
      digest,
      keyFile: key.secretKeyFile,
    });
    expect(signed.registry).toBeUndefined();
    expect(plain.requests.filter((request) => request.path.startsWith('/extensions/'))).toEqual([]);
    expect(plain.requests).toContainEqual({ method: 'GET', path: '/v2/', status: 401 });
    // skopeo, asking that registry, finds nothing: the extension is not advertised and there is no lookaside.
    expect(await copyUnderPolicy(`${plain.address}/signing/app:latest`)).toContain('A signature was required, but no signature exists');

    const before = front.requests.length;
    const off = await signPushedImage({
      client,
      store,
      ref: parseImageReference(`${front.address}/unsigned/app:latest`),
      digest,
      keyFile: key.secretKeyFile,
      registryApi: 'off',
    });
    expect(off.registry).toBeUndefined();
    expect(front.requests.slice(before)).not.toContainEqual(expect.objectContaining({ path: expect.stringMatching(/^\/extensions\//) }));
  }, 120_000);

  it('ccp verify and the parent check read the signature from the registry, with no lookaside configured', async () => {
    const digest = first.image!.digest!;
    const ref = `${front.address}/signing/app:latest`;
    const printed: string[] = [];
    const io = {
      stdout: (text: string) => printed.push(text),
      stderr: () => undefined,
      env: { CCP_REGISTRY_USERNAME: registry.login!.username, CCP_REGISTRY_PASSWORD: registry.login!.password },
      cwd: dir,
    };
    const pingsBefore = front.requests.filter((request) => request.path === '/v2/').length;
    expect(await verifyCommand.run([ref, '--key', key.publicKeyFile], { dataDir: path.join(dir, 'verify'), registry: front.address }, io)).toBe(0);
    // One question whether the registry has the signatures API, not one by the command and one by the verifier.
    expect(front.requests.filter((request) => request.path === '/v2/').length - pingsBefore).toEqual(1);
    expect(printed.join('')).toBe(
      `verified ${ref}@${digest}\n  signed by ${key.fingerprint}\n  signature http://${front.address}/extensions/v2/signing/app/signatures/${digest}\n`,
    );
    const unsigned = `${front.address}/unsigned/app:latest`;
    expect(await verifyCommand.run([unsigned, '--key', key.publicKeyFile], { dataDir: path.join(dir, 'verify'), registry: front.address }, io)).toBe(1);
    expect(printed.at(-1)).toContain(`NOT verified ${unsigned}@${digest}: no signature in the registry`);

    const verifier = new ParentSignatureVerifier(client, { policy: 'enforce', publicKeyFile: key.publicKeyFile, registryApi: 'auto' });
    expect(await verifier.verify(ref, digest)).toEqual({ ref, digest, verified: true });
    const other = new ParentSignatureVerifier(client, { policy: 'enforce', publicKeyFile: key.publicKeyFile });
    expect(await other.verify(unsigned, digest)).toEqual({
      ref: unsigned,
      digest,
      verified: false,
      problem: 'no signature',
      reason: 'no signature in the registry',
    });

    // A registry without the extension and no lookaside: nowhere to look, said as such.
    const nowhere = `${plain.address}/signing/app:latest`;
    // A new verifier: one instance checks each digest once, and this is the same digest.
    const elsewhere = new ParentSignatureVerifier(client, { policy: 'enforce', publicKeyFile: key.publicKeyFile });
    expect(await elsewhere.verify(nowhere, digest)).toEqual({
      ref: nowhere,
      digest,
      verified: false,
      problem: 'unreachable',
      reason: `no lookaside URL is configured and ${plain.address} does not advertise the signatures API extension`,
    });
    await expect(verifyCommand.run([nowhere, '--key', key.publicKeyFile], { dataDir: path.join(dir, 'verify'), registry: plain.address }, io)).rejects.toThrow(
      ValidationError,
    );
  }, 120_000);

  it('fails the build, saying why, when the registry refuses the signature', async () => {
    front.refusePuts(403);
    try {
      const commit = await repo.commit({ 'app/file.txt': 'refused by the registry\n' }, 'app');
      const refused = await build('b2', commit);
      const digest = /@(sha256:[0-9a-f]{64}) but/.exec(refused.reason ?? '')?.[1];
      expect(refused).toMatchObject({ status: 'failed' });
      expect(refused.reason).toBe(
        `pushed ${front.address}/signing/app:latest@${digest} but could not sign it: the registry refused the signature at http://${front.address}/extensions/v2/signing/app/signatures/${digest} (HTTP 403: {"errors":[{"code":"DENIED","message":"signatures are not accepted here"}]})`,
      );
    } finally {
      front.refusePuts(null);
    }
  }, 240_000);
});

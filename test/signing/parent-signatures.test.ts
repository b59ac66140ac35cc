import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { CloudEvent } from 'cloudevents';
import { pushArtifact } from '../../functions/build/attest/oci-push';
import { dispatchFunction } from '../../functions/dispatch';
import { startCascade } from '../../functions/dispatch/emit';
import { planCascade } from '../../functions/dispatch/planning/cascade-plan';
import { scanFunction } from '../../functions/scan';
import { cosignTag, signatureArtifact } from '../../shared/attest/cosign';
import { BuildRecords } from '../../shared/builds/records';
import { removeStorage } from '../../shared/builds/storage';
import { CascadeStore } from '../../shared/cascade/cascade-store';
import { loadConfig } from '../../shared/config/config';
import type { ParentSignaturePolicy } from '../../shared/config/settings/signing';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { makeEvent } from '../../shared/events/make';
import { EventTypes } from '../../shared/events/types';
import { createFunctionContext } from '../../shared/function/context';
import { DependencyGraph } from '../../shared/graph/dependency-graph';
import { listen, type RunningServer } from '../../shared/host/listen';
import { signatureRoutes } from '../../shared/host/signature-routes';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { RegistryClient } from '../../shared/registry/registry-client';
import type { ScanReport } from '../../shared/reports/types';
import { fetchManifest, signPushedImage } from '../../shared/signing/image-signatures';
import { generateSigningKey, lookasideKey, openKeyring, signManifest, type GeneratedKey } from '../../shared/signing/simple-signing';
import { FsObjectStore } from '../../shared/store/fs-store';
import { reportKey } from '../../shared/store/keys';
import { functionContext } from '../support/function-context';

const exec = promisify(execFile);

/** How the parent's signature is left before its `build.completed` reaches the dispatcher. */
type Signing = 'signed' | 'unsigned' | 'another digest' | 'tampered' | 'lookaside down' | 'cosign signed' | 'cosign another digest';

function entry(appId: string, jobId: string, dependsOn: string[] = []): ProjectEntry {
  return {
    id: 1,
    appId,
    jobId,
    gitUrl: `https://git.example.org/${appId}/${jobId}.git`,
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.org'],
    buildContext: './',
    dependsOn,
    source: { file: `${appId}.yaml`, line: 1 },
  };
}

const ofType = <T>(events: CloudEvent<unknown>[], type: string): T[] => events.filter((event) => event.type === type).map((event) => event.data as T);

/**
 * The dispatcher and the scan function, called through their real handlers, with a real registry
 * (buildah-built images), real GPG keys and signatures (skopeo standalone-sign/verify), the
 * lookaside served from the object store on 127.0.0.1: a parent whose signature does not verify
 * is refused (enforce), warned about (warn) or not looked at (off).
 */
describe('parent signatures: the dispatcher and the scan check a parent ccp built', () => {
  let dir: string;
  let registry: LocalRegistry;
  let server: RunningServer;
  let store: FsObjectStore;
  let key: GeneratedKey;
  const cosignKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let cosignPublicKeyFile: string;
  const client = new RegistryClient();
  const storage = { root: '', runroot: '' };

  /** buildah builds `containerfile` with `file.txt` and pushes it as `ref`; answers the pushed digest. */
  async function buildAndPush(ref: string, containerfile: string, content: string): Promise<string> {
    const storageArgs = ['--root', storage.root, '--runroot', storage.runroot, '--storage-driver', 'vfs'];
    const context = await mkdtemp(path.join(dir, 'context-'));
    await writeFile(path.join(context, 'file.txt'), content);
    await writeFile(path.join(context, 'Containerfile'), containerfile);
    await exec('buildah', [
      ...storageArgs,
      'bud',
      '--tls-verify=false',
      '--isolation',
      'chroot',
      '-f',
      path.join(context, 'Containerfile'),
      '-t',
      ref,
      context,
    ]);
    const digestFile = path.join(context, 'digest');
    await exec('buildah', [...storageArgs, 'push', '--tls-verify=false', '--digestfile', digestFile, ref, `docker://${ref}`]);
    return (await readFile(digestFile, 'utf8')).trim();
  }

  /** Leaves the parent `ref@digest` signed, unsigned, signed over another manifest, or with a tampered signature. */
  async function prepare(signing: Signing, ref: string, digest: string, repository: string): Promise<void> {
    if (signing === 'unsigned') return;
    if (signing === 'cosign signed' || signing === 'cosign another digest') {
      const repository = ref.replace(/:latest$/, '');
      // The second: a genuine cosign signature by the right key, under this digest's tag, naming another digest.
      const signed = signing === 'cosign signed' ? digest : `sha256:${'0'.repeat(64)}`;
      const artifact = { ...signatureArtifact(repository, signed, cosignKey.privateKey), tag: cosignTag(digest, 'sig') };
      await pushArtifact({ address: registry.address, tlsVerify: false }, repository.slice(registry.address.length + 1), artifact);
      return;
    }
    if (signing === 'another digest') {
      const decoy = `${ref.replace(/:latest$/, '')}:decoy`;
      await buildAndPush(decoy, 'FROM scratch\nCOPY file.txt /file.txt\n', `decoy of ${ref}\n`);
      const { bytes } = await fetchManifest(client, parseImageReference(decoy));
      // A genuine signature by the right key naming the parent's reference, over another manifest.
      const keyring = await openKeyring(key.secretKeyFile);
      try {
        await store.put(lookasideKey(repository, digest), await signManifest({ keyring, manifest: bytes, dockerReference: ref }));
      } finally {
        await keyring.dispose();
      }
      return;
    }
    await signPushedImage({ client, store, ref: parseImageReference(ref), digest, keyFile: key.secretKeyFile });
    if (signing === 'tampered') {
      const stored = await store.get(lookasideKey(repository, digest));
      const tampered = Buffer.from(stored!.body);
      tampered[tampered.length - 20] ^= 0x01;
      await store.put(lookasideKey(repository, digest), tampered);
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-parent-signatures-'));
    storage.root = path.join(dir, 'storage');
    storage.runroot = path.join(dir, 'run');
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    store = new FsObjectStore(path.join(dir, 'store'));
    server = await listen(express().use(signatureRoutes(store)));
    key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp parents <ccp@localhost>' });
    cosignPublicKeyFile = path.join(dir, 'keys', 'cosign.pub');
    await writeFile(cosignPublicKeyFile, cosignKey.publicKey.export({ type: 'spki', format: 'pem' }));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await registry?.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, ParentSignaturePolicy, Signing, { child: 'built' | 'refused'; says?: RegExp; scan: string; section?: string; severity?: string }]>([
    ['signed parent, enforce', 'enforce', 'signed', { child: 'built', scan: 'clean', section: 'ok' }],
    [
      'unsigned parent, enforce',
      'enforce',
      'unsigned',
      { child: 'refused', says: /\(no signature: no signature at the lookaside\)$/, scan: 'high', section: 'failed', severity: 'high' },
    ],
    [
      'unsigned parent, warn',
      'warn',
      'unsigned',
      { child: 'built', says: /\(no signature: no signature at the lookaside\)$/, scan: 'findings', section: 'ok', severity: 'medium' },
    ],
    ['unsigned parent, off', 'off', 'unsigned', { child: 'built', scan: 'clean' }],
    [
      'a signature for another digest, enforce',
      'enforce',
      'another digest',
      {
        child: 'refused',
        says: /\(signature for another digest: Error verifying signature: Signature for docker digest "sha256:[0-9a-f]{64}" does not match\)$/,
        scan: 'high',
        section: 'failed',
        severity: 'high',
      },
    ],
    [
      'a tampered signature, enforce',
      'enforce',
      'tampered',
      // The flipped byte lands in the signature's packets (invalid) or in their compression (no packet left): gpg says either.
      {
        child: 'refused',
        says: /\(bad signature: Error verifying signature: (Invalid GPG signature|Unexpected GPG signature count 0)\)$/,
        scan: 'high',
        section: 'failed',
        severity: 'high',
      },
    ],
    [
      'an unreachable lookaside, enforce',
      'enforce',
      'lookaside down',
      { child: 'refused', says: /\(unreachable: cannot fetch http:\/\/127\.0\.0\.1:9\//, scan: 'high', section: 'failed', severity: 'high' },
    ],
    ['cosign-signed parent, enforce', 'enforce', 'cosign signed', { child: 'built', scan: 'clean', section: 'ok' }],
    [
      'a cosign signature for another digest, enforce',
      'enforce',
      'cosign another digest',
      {
        child: 'refused',
        says: /\(signature for another digest: sha256-[0-9a-f]{64}\.sig: the signature is for sha256:0{64}, not the image's sha256:[0-9a-f]{64}\)$/,
        scan: 'high',
        section: 'failed',
        severity: 'high',
      },
    ],
  ])(
    '%s',
    async (label, policy, signing, expected) => {
      const appId = `case-${label.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 40);
      const parent = entry(appId, 'base');
      const child = entry(appId, 'app', [imageName(parent)]);
      const parentRef = `${registry.address}/${appId}/base:latest`;
      const digest = await buildAndPush(parentRef, 'FROM scratch\nCOPY file.txt /file.txt\n', `parent of ${label}\n`);
      await prepare(signing, parentRef, digest, `${appId}/base`);
      const lookaside = signing === 'lookaside down' ? 'http://127.0.0.1:9/sigstore' : `${server.url}/sigstore`;
      const keys = signing.startsWith('cosign')
        ? { CCP_SIGNING_COSIGN_PUBLIC_KEY_FILE: cosignPublicKeyFile }
        : { CCP_SIGNING_PUBLIC_KEY_FILE: key.publicKeyFile, CCP_SIGNING_LOOKASIDE_URL: lookaside };
      const config = loadConfig({ dataDir: path.join(dir, appId), registry: registry.address }, { CCP_PARENT_SIGNATURES: policy, ...keys });

      // The dispatcher: the parent's successful build.completed, outside any cascade, would cascade to its child.
      const context = await functionContext(dispatchFunction, config, silentLogger, { store, projects: [parent, child] });
      const at = '2026-12-06T07:00:00.000Z';
      const completed: BuildCompletedData = {
        buildId: `${appId}-b1`,
        project: { appId, jobId: 'base', desiredTag: 'latest' },
        entry: parent,
        status: 'succeeded',
        image: { ref: parentRef, digest },
        reports: { log: `reports/${appId}/base/latest/${appId}-b1/build.log` },
        timings: { startedAt: at, finishedAt: at, durationMs: 0 },
        cause: { kind: 'manual', message: 'Requested by an admin' },
        causeChain: [{ kind: 'manual', message: 'Requested by an admin' }],
      };
      const event = makeEvent(EventTypes.buildCompleted, completed, { source: '/ccp/build', id: `${appId}-b1/build` });
      const events = await dispatchFunction.handle(event, context);
      const requested = ofType<BuildRequestedData>(events, EventTypes.buildRequested).map((request) => imageName(request.project));
      const [notice] = ofType<NoticeRequestedData>(events, EventTypes.noticeRequested);
      const record = (await new CascadeStore(store).get(`after-${appId}-b1`))!;
      const childItem = record.items.find((item) => item.name === imageName(child))!;
      const origin = record.items.find((item) => item.status === 'origin')!;
      const message = `parent ${imageName(parent)} (${parentRef}@${digest}) signature does not verify`;
      if (expected.child === 'refused') {
        expect({ requested, status: childItem.status, refusedBy: childItem.refusedBy }).toEqual({
          requested: [],
          status: 'failed',
          refusedBy: imageName(parent),
        });
        expect(childItem.reason).toContain(`refused: ${message} (`);
        expect(childItem.reason).toMatch(expected.says!);
        // The cascade ended at once: its one mail says why the child was not built.
        expect(notice!.items.map((item) => [imageName(item.project), item.outcome, item.reason, item.buildId])).toEqual([
          [imageName(child), 'failed', childItem.reason, undefined],
        ]);
      } else {
        expect({ requested, status: childItem.status }).toEqual({ requested: [imageName(child)], status: 'requested' });
        expect(notice).toBeUndefined();
        if (expected.says) {
          expect(childItem.warning).toContain(`built although ${message} (`);
          expect(childItem.warning).toMatch(expected.says);
        } else {
          expect(childItem.warning).toBeUndefined();
        }
      }
      expect(origin.signature).toEqual(
        policy === 'off' ? undefined : expect.objectContaining({ digest, verified: signing === 'signed' || signing === 'cosign signed' }),
      );

      // The same event again (at-least-once delivery): the same events, the record unchanged.
      const again = await dispatchFunction.handle(event, context);
      expect(again.map((replayed) => replayed.id)).toEqual(events.map((first) => first.id));
      expect(await new CascadeStore(store).get(`after-${appId}-b1`)).toEqual(record);

      // The scan of a child built FROM that parent, its build record naming the parent's digest.
      const childRef = `${registry.address}/${appId}/app:latest`;
      const childDigest = await buildAndPush(childRef, `FROM ${parentRef}\nCOPY file.txt /child.txt\n`, `child of ${label}\n`);
      const buildId = `${appId}-b2`;
      // The build records as the build function leaves them: the parent's pushed digest, the child's parents.
      const buildRecord = (buildId: string, project: ProjectEntry, image: { ref: string; digest: string }, startedAt: string, finishedAt: string) => ({
        buildId,
        project: { appId, jobId: project.jobId, desiredTag: 'latest' },
        name: imageName(project),
        status: 'succeeded' as const,
        cause: { kind: 'manual' as const, message: 'Requested by an admin' },
        causeChain: [],
        entry: project,
        image,
        timings: { queuedAt: startedAt, startedAt, finishedAt },
        links: { log: reportKey({ appId, jobId: project.jobId, desiredTag: 'latest' }, buildId, 'build.log') },
        updatedAt: finishedAt,
      });
      await new BuildRecords(store).put(buildRecord(`${appId}-b1`, parent, { ref: parentRef, digest }, '2026-12-06T06:59:00.000Z', at));
      await new BuildRecords(store).put({
        ...buildRecord(buildId, child, { ref: childRef, digest: childDigest }, '2026-12-06T07:01:00.000Z', '2026-12-06T07:02:00.000Z'),
        baseImages: [imageName(parent)],
      });
      const scanContext = await createFunctionContext(config, silentLogger, { store });
      const scanRequest = makeEvent(
        EventTypes.scanRequested,
        { project: { appId, jobId: 'app', desiredTag: 'latest' }, image: { ref: childRef, digest: childDigest }, reason: 'build', buildId },
        { source: '/ccp/test', id: `${buildId}-scan` },
      );
      await scanFunction.handle(scanRequest, scanContext);
      const report = JSON.parse(
        (await store.get(reportKey({ appId, jobId: 'app', desiredTag: 'latest' }, buildId, 'scan.json')))!.body.toString('utf8'),
      ) as ScanReport;
      const section = report.scanners['parent-signatures'];
      expect({ verdict: report.verdict, section: section?.status, severities: section?.findings.map((finding) => finding.severity) ?? [] }).toEqual({
        verdict: expected.scan,
        section: expected.section,
        severities: expected.severity ? [expected.severity] : [],
      });
      if (expected.severity) {
        expect(section!.findings[0]!.title).toBe(`parent ${imageName(parent)} signature does not verify`);
        expect(section!.findings[0]!.details.message).toMatch(expected.says!);
      }
      if (expected.section === 'ok' && !expected.severity)
        expect(section!.notes).toEqual([`${imageName(parent)} (${parentRef}@${digest}): signature verified`]);
    },
    180_000,
  );

  it('refuses, inside a push cascade, the children of a parent built unsigned: one notice, the grandchild skipped', async () => {
    const appId = 'in-cascade';
    const parent = entry(appId, 'base');
    const child = entry(appId, 'app', [imageName(parent)]);
    const grandchild = entry(appId, 'leaf', [imageName(child)]);
    const projects = [parent, child, grandchild];
    const parentRef = `${registry.address}/${appId}/base:latest`;
    const digest = await buildAndPush(parentRef, 'FROM scratch\nCOPY file.txt /file.txt\n', 'unsigned parent in a cascade\n');
    const config = loadConfig(
      { dataDir: path.join(dir, appId), registry: registry.address },
      { CCP_PARENT_SIGNATURES: 'enforce', CCP_SIGNING_PUBLIC_KEY_FILE: key.publicKeyFile, CCP_SIGNING_LOOKASIDE_URL: `${server.url}/sigstore` },
    );
    const context = await functionContext(dispatchFunction, config, silentLogger, { store, projects });
    const push = { kind: 'git-push' as const, message: 'Git commit c0ffee to branch main' };
    const planned = planCascade({
      id: 'push-in-cascade',
      cause: push,
      seeds: [{ entry: parent, cause: push }],
      graph: new DependencyGraph(projects),
      entries: new Map(projects.map((project) => [imageName(project), project])),
      maxInFlight: 10,
      now: new Date(),
    })!;
    const [request] = ofType<BuildRequestedData>(await startCascade(planned, context), EventTypes.buildRequested);
    const at = new Date().toISOString();
    const completed: BuildCompletedData = {
      buildId: request!.buildId!,
      project: request!.project,
      entry: parent,
      status: 'succeeded',
      image: { ref: parentRef, digest },
      reports: { log: 'reports/in-cascade/base/latest/b/build.log' },
      timings: { startedAt: at, finishedAt: at, durationMs: 0 },
      cause: request!.cause,
      causeChain: request!.causeChain ?? [],
    };
    const event = makeEvent(EventTypes.buildCompleted, completed, { source: '/ccp/build', id: `${request!.buildId}/build` });
    const events = await dispatchFunction.handle(event, context);
    const message = `refused: parent ${imageName(parent)} (${parentRef}@${digest}) signature does not verify (no signature: no signature at the lookaside)`;
    expect(ofType(events, EventTypes.buildRequested)).toEqual([]);
    expect(
      ofType<NoticeRequestedData>(events, EventTypes.noticeRequested).map((notice) =>
        notice.items.map((item) => [item.project.jobId, item.outcome, item.reason]),
      ),
    ).toEqual([
      [
        ['base', 'succeeded', undefined],
        ['app', 'failed', message],
        ['leaf', 'skipped', `parent ${imageName(child)} failed`],
      ],
    ]);
    const again = await dispatchFunction.handle(event, context);
    expect(again.map((replayed) => replayed.id)).toEqual(events.map((first) => first.id));
  }, 120_000);
});

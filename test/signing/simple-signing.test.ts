import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { verifyCommand } from '../../cli/commands/verify';
import { removeStorage } from '../../shared/builds/storage';
import { listen, type RunningServer } from '../../shared/host/listen';
import { signatureRoutes } from '../../shared/host/signature-routes';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { parseImageReference } from '../../shared/registry/reference';
import { RegistryClient } from '../../shared/registry/registry-client';
import { fetchManifest, signPushedImage, verifyImage } from '../../shared/signing/image-signatures';
import { generateSigningKey, lookasideKey, openKeyring, signManifest, type GeneratedKey } from '../../shared/signing/simple-signing';
import { FsObjectStore } from '../../shared/store/fs-store';
import { copyUnderTrust, writeSignedByTrust, type SkopeoTrust } from '../support/skopeo-policy';

const exec = promisify(execFile);

/**
 * ccp signs; skopeo (containers/image, what CRI-O enforces with) judges: each image is copied
 * under a policy.json that requires `signedBy` ccp's key, with a registries.d whose lookaside is
 * ccp's `/sigstore/` route on 127.0.0.1.
 */
describe('simple signing, verified by skopeo', () => {
  let dir: string;
  let registry: LocalRegistry;
  let server: RunningServer;
  let store: FsObjectStore;
  let key: GeneratedKey;
  let trust: SkopeoTrust;
  const client = new RegistryClient();
  const storage = { root: '', runroot: '' };

  /** Builds a one-file image from scratch with buildah and pushes it; answers the pushed digest. */
  async function buildAndPush(ref: string, content: string): Promise<string> {
    const storageArgs = ['--root', storage.root, '--runroot', storage.runroot, '--storage-driver', 'vfs'];
    const context = await mkdtemp(path.join(dir, 'context-'));
    await writeFile(path.join(context, 'file.txt'), content);
    await writeFile(path.join(context, 'Containerfile'), 'FROM scratch\nCOPY file.txt /file.txt\n');
    await exec('buildah', [...storageArgs, 'bud', '--isolation', 'chroot', '-f', path.join(context, 'Containerfile'), '-t', ref, context]);
    const digestFile = path.join(context, 'digest');
    await exec('buildah', [...storageArgs, 'push', '--tls-verify=false', '--digestfile', digestFile, ref, `docker://${ref}`]);
    return (await exec('cat', [digestFile])).stdout.trim();
  }

  async function sign(ref: string, digest: string): Promise<void> {
    await signPushedImage({ client, store, ref: parseImageReference(ref), digest, keyFile: key.secretKeyFile });
  }

  const copyUnderPolicy = (ref: string): Promise<string | null> => copyUnderTrust(trust, ref);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-signing-'));
    storage.root = path.join(dir, 'storage');
    storage.runroot = path.join(dir, 'run');
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    store = new FsObjectStore(path.join(dir, 'store'));
    server = await listen(express().use(signatureRoutes(store)));
    key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp test <ccp@localhost>' });
    trust = await writeSignedByTrust(dir, [registry.address], key.publicKeyFile, { [registry.address]: `${server.url}/sigstore` });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await registry?.stop();
    await removeStorage(storage.root, storage.runroot);
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the image ccp signed, and ccp verify agrees', async () => {
    const ref = `${registry.address}/signed/app:latest`;
    const digest = await buildAndPush(ref, 'signed\n');
    await sign(ref, digest);
    expect(await copyUnderPolicy(ref)).toBeNull();
    expect(await copyUnderPolicy(`${registry.address}/signed/app@${digest}`)).toBeNull();
    const verified = await verifyImage({ client, ref: parseImageReference(ref), publicKeyFile: key.publicKeyFile, lookasideUrl: `${server.url}/sigstore` });
    expect(verified).toEqual({
      verified: true,
      digest,
      manifestDigest: digest,
      dockerReference: ref,
      fingerprint: key.fingerprint,
      signatureUrl: `${server.url}/sigstore/signed/app@sha256=${digest.slice(7)}/signature-1`,
    });
    const printed: string[] = [];
    const io = {
      stdout: (text: string) => printed.push(text),
      stderr: () => undefined,
      env: { CCP_SIGNING_LOOKASIDE_URL: `${server.url}/sigstore` },
      cwd: dir,
    };
    expect(await verifyCommand.run([ref, '--key', key.publicKeyFile], { dataDir: path.join(dir, 'data') }, io)).toBe(0);
    expect(printed.join('')).toBe(
      `verified ${ref}@${digest}\n  signed by ${key.fingerprint}\n  signature ${server.url}/sigstore/signed/app@sha256=${digest.slice(7)}/signature-1\n`,
    );
  }, 120_000);

  it('refuses an unsigned image', async () => {
    const ref = `${registry.address}/signed/unsigned:latest`;
    await buildAndPush(ref, 'unsigned\n');
    expect(await copyUnderPolicy(ref)).toContain('Source image rejected: A signature was required, but no signature exists');
  }, 120_000);

  it('refuses another image re-tagged into the repository, its signature copied along', async () => {
    const other = `${registry.address}/other/app:latest`;
    const digest = await buildAndPush(other, 'other\n');
    await sign(other, digest);
    const retagged = `${registry.address}/signed/app:retagged`;
    await exec('skopeo', ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${other}`, `docker://${retagged}`]);
    const signature = await store.get(lookasideKey('other/app', digest));
    await store.put(lookasideKey('signed/app', digest), signature!.body);
    expect((await fetchManifest(client, parseImageReference(retagged))).digest).toBe(digest);
    expect(await copyUnderPolicy(retagged)).toContain(`Source image rejected: Signature for identity ${other} is not accepted`);
  }, 120_000);

  it('refuses a signature made for another digest', async () => {
    const ref = `${registry.address}/signed/app:swapped`;
    const digest = await buildAndPush(ref, 'swapped\n');
    const { bytes: otherManifest, digest: otherDigest } = await fetchManifest(client, parseImageReference(`${registry.address}/signed/app:latest`));
    // A genuine signature by the right key, naming this very reference, but over another manifest.
    const keyring = await openKeyring(key.secretKeyFile);
    try {
      const signature = await signManifest({ keyring, manifest: otherManifest, dockerReference: ref });
      await store.put(lookasideKey('signed/app', digest), signature);
    } finally {
      await keyring.dispose();
    }
    expect(await copyUnderPolicy(ref)).toContain(`Source image rejected: Signature for digest ${otherDigest} does not match`);
  }, 120_000);

  it('refuses a tampered signature', async () => {
    const ref = `${registry.address}/signed/app:tampered`;
    const digest = await buildAndPush(ref, 'tampered\n');
    await sign(ref, digest);
    const stored = await store.get(lookasideKey('signed/app', digest));
    const tampered = Buffer.from(stored!.body);
    tampered[tampered.length - 20] ^= 0x01;
    await store.put(lookasideKey('signed/app', digest), tampered);
    // The flipped byte lands in the signature's packets (invalid) or in their compression (no packet left): gpg says either.
    expect(await copyUnderPolicy(ref)).toMatch(/Source image rejected: (Invalid GPG signature|Unexpected GPG signature count 0)/);
    const verified = await verifyImage({ client, ref: parseImageReference(ref), publicKeyFile: key.publicKeyFile, lookasideUrl: `${server.url}/sigstore` });
    expect(verified).toMatchObject({ verified: false, manifestDigest: digest });
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: dir };
    const args = [ref, '--key', key.publicKeyFile, '--lookaside', `${server.url}/sigstore`];
    expect(await verifyCommand.run(args, { dataDir: path.join(dir, 'data') }, io)).toBe(1);
  }, 120_000);
});

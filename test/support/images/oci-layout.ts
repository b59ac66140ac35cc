import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import type { ImageConfig } from './types';

export const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
export const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** One blob of an OCI image layout. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/**
 * Writes a single-layer OCI image of `rootfs` into the OCI image layout `layoutDir`
 * (`oci-layout`, `index.json`, `blobs/sha256/…`): the layer is GNU tar of the folder with
 * owners forced to root, gzipped as it streams; the config carries `config` as `buildah
 * config` would. Returns the manifest's descriptor. Same bytes as `buildah commit` would push,
 * without a storage round-trip (see readme for the timings).
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md
 */
export async function writeOciImage(rootfs: string, config: ImageConfig, layoutDir: string): Promise<Descriptor> {
  const blobs = path.join(layoutDir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const layer = await writeLayer(rootfs, blobs);
  const imageConfig = {
    created: '1970-01-01T00:00:00Z',
    architecture: goArch(process.arch),
    os: 'linux',
    config: {
      ...(config.env ? { Env: config.env } : { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] }),
      ...(config.cmd ? { Cmd: config.cmd } : { Cmd: ['/bin/sh'] }),
      ...(config.entrypoint ? { Entrypoint: config.entrypoint } : {}),
      ...(config.user ? { User: config.user } : {}),
      ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
      ...(config.labels ? { Labels: config.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'ccp test/support/images' }],
  };
  const configBlob = await writeBlob(blobs, CONFIG_TYPE, Buffer.from(JSON.stringify(imageConfig)));
  const manifest = { schemaVersion: 2, mediaType: MANIFEST_TYPE, config: configBlob, layers: [layer.descriptor] };
  const manifestBlob = await writeBlob(blobs, MANIFEST_TYPE, Buffer.from(JSON.stringify(manifest)));
  await writeFile(path.join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(layoutDir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [manifestBlob] }),
  );
  return manifestBlob;
}

/** The manifest of a layout and every blob it names, read back for a push. */
export async function readOciImage(layoutDir: string): Promise<{ manifest: Descriptor; manifestBytes: Buffer; blobs: Descriptor[] }> {
  const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const manifestDescriptor = index.manifests[0];
  if (!manifestDescriptor) throw new Error(`${layoutDir}: index.json lists no manifest`);
  const manifestBytes = await readFile(blobPath(layoutDir, manifestDescriptor.digest));
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  return { manifest: manifestDescriptor, manifestBytes, blobs: [manifest.config, ...manifest.layers] };
}

export function blobPath(layoutDir: string, digest: string): string {
  return path.join(layoutDir, 'blobs', ...digest.split(':'));
}

async function writeBlob(blobs: string, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(path.join(blobs, hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}

/** tar | tee(sha256 = diff id) | gzip | tee(sha256 = digest) > blob, in one pass. */
function writeLayer(rootfs: string, blobs: string): Promise<{ descriptor: Descriptor; diffId: string }> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['--create', '--format=gnu', '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', rootfs, '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const uncompressed = createHash('sha256');
    const compressed = createHash('sha256');
    const chunks: Buffer[] = [];
    let stderr = '';
    const gzip = createGzip();
    tar.stdout.on('data', (chunk: Buffer) => uncompressed.update(chunk));
    tar.stdout.pipe(gzip);
    gzip.on('data', (chunk: Buffer) => {
      compressed.update(chunk);
      chunks.push(chunk);
    });
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    tar.once('error', reject);
    let tarCode: number | null = null;
    const gzipDone = new Promise<void>((done) => gzip.once('end', done));
    tar.once('close', (code) => {
      tarCode = code;
      void gzipDone.then(async () => {
        if (tarCode !== 0) return reject(new Error(`tar of ${rootfs} exited with ${tarCode}: ${stderr.trim()}`));
        const bytes = Buffer.concat(chunks);
        const hex = compressed.digest('hex');
        const temporary = path.join(blobs, `${hex}.partial`);
        await writeFile(temporary, bytes);
        await rename(temporary, path.join(blobs, hex));
        resolve({ descriptor: { mediaType: LAYER_TYPE, digest: `sha256:${hex}`, size: bytes.length }, diffId: `sha256:${uncompressed.digest('hex')}` });
      }, reject);
    });
  });
}

/** Node's `process.arch` as the OCI config's (Go's) architecture name. */
function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { gzipLayer, pushLayers, putManifest, tarOf } from '../../../test/scan-support/layer-images';
import { startLocalRegistry, type LocalRegistry } from '../../../shared/registry/local-registry';
import { manyEmptyFilesLayer } from '../../../test/scan-support/many-files-layer';
import {
  BlobMissingError,
  CorruptLayerError,
  ImageNotFoundError,
  ImageTimeoutError,
  ImageTooLargeError,
  RegistryError,
  TooManyFilesError,
} from '../../../shared/registry/errors';
import { fetchImage } from './fetch-image';

const run = promisify(execFile);

describe('fetchImage', () => {
  let dir: string;
  let registry: LocalRegistry;
  let work: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-fetch-image-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  });
  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    work = await mkdtemp(path.join(dir, 'work-'));
  });

  const options = () => ({ maxBytes: 50e6, workDir: work });

  it('unpacks layers in order with whiteouts and an opaque directory, and returns the config', async () => {
    const base = await gzipLayer([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/motd', content: 'hello' },
      { name: 'etc/remove-me', content: 'x' },
      { name: 'opt/app/old', content: 'old' },
    ]);
    const top = await tarOf([{ name: 'etc/.wh.remove-me' }, { name: 'opt/app/.wh..wh..opq' }, { name: 'opt/app/new', content: 'new' }]);
    const pushed = await pushLayers(registry.url, 'test/layers', 'v1', [{ body: base }, { body: top, mediaType: 'application/vnd.oci.image.layer.v1.tar' }], {
      Labels: { RUN: 'docker run --privileged IMAGE' },
      Cmd: ['/bin/sh'],
    });
    const image = await fetchImage(`${registry.address}/test/layers:v1`, options());
    try {
      expect(image.digest).toEqual(pushed.digest);
      expect(image.config).toEqual({ Labels: { RUN: 'docker run --privileged IMAGE' }, Cmd: ['/bin/sh'] });
      expect(readdirSync(path.join(image.rootfs, 'etc'))).toEqual(['motd']);
      expect(readdirSync(path.join(image.rootfs, 'opt/app'))).toEqual(['new']);
      expect(image.manifest.layers.map((layer) => layer.digest)).toEqual(pushed.layerDigests);
      expect(image.unpackedBytes).toEqual(5 + 1 + 3 + 3);
    } finally {
      await image.cleanup();
    }
    expect(existsSync(image.rootfs)).toEqual(false);
    expect(await readdir(work)).toEqual([]);
  });

  it('reads a buildah-built image whose second layer removed a file (a real whiteout)', async () => {
    const rootfs = path.join(dir, 'bb-rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await mkdir(path.join(rootfs, 'etc'), { recursive: true });
    await run('cp', ['/usr/bin/busybox', path.join(rootfs, 'bin/busybox')]);
    for (const applet of ['sh', 'rm', 'ls']) await run('ln', ['-s', 'busybox', path.join(rootfs, 'bin', applet)]);
    await writeFile(path.join(rootfs, 'etc/x'), 'to be removed');
    await writeFile(path.join(rootfs, 'etc/y'), 'stays');
    const storage = ['--root', path.join(dir, 'buildah/root'), '--runroot', path.join(dir, 'buildah/run'), '--storage-driver', 'vfs'];
    const buildah = (...args: string[]) => run('buildah', [...storage, ...args], { maxBuffer: 16 * 1024 * 1024 });
    const from = (await buildah('from', 'scratch')).stdout.trim();
    await buildah('copy', from, `${rootfs}/`, '/');
    await buildah('commit', '--format', 'oci', from, 'localhost/ccp-test-bb');
    const next = (await buildah('from', 'localhost/ccp-test-bb')).stdout.trim();
    await buildah('run', '--isolation', 'chroot', next, '--', '/bin/rm', '/etc/x');
    await buildah('config', '--label', 'RUN=podman run IMAGE', next);
    await buildah('commit', '--format', 'oci', next, 'localhost/ccp-test-bb-rm');
    await buildah('push', '--tls-verify=false', 'localhost/ccp-test-bb-rm', `docker://${registry.address}/test/busybox-rm:latest`);
    await buildah('rm', '--all');

    const image = await fetchImage(`${registry.address}/test/busybox-rm:latest`, options());
    try {
      expect(image.manifest.layers).toHaveLength(2);
      // buildah run also leaves empty hostname, hosts and resolv.conf in /etc
      expect(readdirSync(path.join(image.rootfs, 'etc')).filter((name) => !['hostname', 'hosts', 'resolv.conf'].includes(name))).toEqual(['y']);
      expect(readFileSync(path.join(image.rootfs, 'bin/busybox')).equals(readFileSync('/usr/bin/busybox'))).toEqual(true);
      expect(image.config.Labels?.RUN).toEqual('podman run IMAGE');
    } finally {
      await image.cleanup();
    }
  }, 60_000);

  it('fetches by digest, and picks linux/amd64 out of an index', async () => {
    const amd = await pushLayers(registry.url, 'test/multi', 'amd64', [{ body: await gzipLayer([{ name: 'arch', content: 'amd64' }]) }]);
    const arm = await pushLayers(registry.url, 'test/multi', 'arm64', [{ body: await gzipLayer([{ name: 'arch', content: 'arm64' }]) }]);
    const manifestSize = async (tag: string) =>
      (await fetch(`${registry.url}/v2/test/multi/manifests/${tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).arrayBuffer();
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: arm.digest,
          size: (await manifestSize('arm64')).byteLength,
          platform: { os: 'linux', architecture: 'arm64' },
        },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: amd.digest,
          size: (await manifestSize('amd64')).byteLength,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    await putManifest(registry.url, 'test/multi', 'latest', index, 'application/vnd.oci.image.index.v1+json');
    for (const ref of [`${registry.address}/test/multi:latest`, `${registry.address}/test/multi@${amd.digest}`]) {
      const image = await fetchImage(ref, options());
      expect([image.digest, readFileSync(path.join(image.rootfs, 'arch'), 'utf8')]).toEqual([amd.digest, 'amd64']);
      await image.cleanup();
    }
  });

  it('says not found for a missing tag or repository', async () => {
    await expect(fetchImage(`${registry.address}/test/layers:nope`, options())).rejects.toThrow(ImageNotFoundError);
    await expect(fetchImage(`${registry.address}/no/such:latest`, options())).rejects.toThrow(
      new ImageNotFoundError(`${registry.address}/no/such:latest`, `${registry.address} has no manifest no/such:latest`),
    );
  });

  it('names the layer of a corrupt blob and leaves nothing behind', async () => {
    const pushed = await pushLayers(registry.url, 'test/corrupt', 'v1', [
      { body: await gzipLayer([{ name: 'ok', content: 'fine' }]) },
      { body: await gzipLayer([{ name: 'big', content: 'y'.repeat(100_000) }]) },
    ]);
    const victim = pushed.layerDigests[1];
    const hex = victim.slice('sha256:'.length);
    const blob = path.join(dir, 'registry', 'storage', 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = readFileSync(blob);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(blob, bytes);
    const failure = fetchImage(`${registry.address}/test/corrupt:v1`, options());
    await expect(failure).rejects.toThrow(CorruptLayerError);
    await expect(failure).rejects.toThrow(new RegExp(`^layer ${victim} is corrupt: `));
    expect(await readdir(work)).toEqual([]);
  });

  it('names the layer whose content does not match its digest even when it unpacks', async () => {
    const pushed = await pushLayers(registry.url, 'test/swapped', 'v1', [{ body: gzipSync(await tarOf([{ name: 'a', content: 'original' }])) }]);
    const hex = pushed.layerDigests[0].slice('sha256:'.length);
    const blob = path.join(dir, 'registry', 'storage', 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    writeFileSync(blob, gzipSync(await tarOf([{ name: 'a', content: 'replaced' }])));
    await expect(fetchImage(`${registry.address}/test/swapped:v1`, options())).rejects.toThrow(
      new RegExp(`^layer ${pushed.layerDigests[0]} is corrupt: its content hashes to sha256:`),
    );
    expect(await readdir(work)).toEqual([]);
  });

  it('refuses an image over the bound before downloading, by its compressed size', async () => {
    await pushLayers(registry.url, 'test/huge', 'v1', [{ body: await gzipLayer([{ name: 'a', content: 'a' }]), claimedSize: 600e6 }]);
    const failure = fetchImage(`${registry.address}/test/huge:v1`, { maxBytes: 500e6, workDir: work });
    await expect(failure).rejects.toThrow(ImageTooLargeError);
    await expect(failure).rejects.toThrow(/is about 1\.2 GB uncompressed \(2 × 600 MB of compressed layers\), over the 500 MB bound$/);
    expect(await readdir(work)).toEqual([]);
  });

  it('stops unpacking when the files pass the bound, and cleans up', async () => {
    // 3 MB of zeros gzip to a few kB: the compressed estimate passes, the real size does not
    const pushed = await pushLayers(registry.url, 'test/bomb', 'v1', [{ body: await gzipLayer([{ name: 'zeros', content: '\0'.repeat(3e6) }]) }]);
    const failure = fetchImage(`${registry.address}/test/bomb:v1`, { maxBytes: 1e6, workDir: work });
    await expect(failure).rejects.toThrow(
      new RegExp(`is over 3 MB uncompressed \\(unpacking stopped in layer ${pushed.layerDigests[0]}\\), over the 1 MB bound$`),
    );
    expect(await readdir(work)).toEqual([]);
  });

  it('stops at the file-count bound, names the layer, and cleans up', async () => {
    const pushed = await pushLayers(registry.url, 'test/many', 'v1', [{ body: await manyEmptyFilesLayer(3000) }]);
    const failure = fetchImage(`${registry.address}/test/many:v1`, { ...options(), maxFiles: 1000 });
    await expect(failure).rejects.toThrow(TooManyFilesError);
    await expect(failure).rejects.toThrow(
      new RegExp(`has more than 1,000 files \\(1,001 entries read, stopped in layer ${pushed.layerDigests[0]}\\), over the file-count bound$`),
    );
    expect(await readdir(work)).toEqual([]);
  });

  it('ends a layer not read within the request time limit with a typed timeout naming it, and cleans up', async () => {
    // 200,000 empty files: 1.5 MB to download, far more than 300 ms to unpack.
    const pushed = await pushLayers(registry.url, 'test/slow', 'v1', [{ body: await manyEmptyFilesLayer(200_000) }]);
    const failure = fetchImage(`${registry.address}/test/slow:v1`, { ...options(), timeoutMs: 300 });
    await expect(failure).rejects.toThrow(new ImageTimeoutError(pushed.layerDigests[0]!, 300));
    expect(await readdir(work)).toEqual([]);
  });

  it('says which blob is missing when the manifest is there and its layer is not', async () => {
    const pushed = await pushLayers(registry.url, 'test/gone', 'v1', [{ body: await gzipLayer([{ name: 'a', content: 'a' }]) }]);
    expect((await fetch(`${registry.url}/v2/test/gone/blobs/${pushed.layerDigests[0]}`, { method: 'DELETE' })).status).toBe(202);
    await expect(fetchImage(`${registry.address}/test/gone:v1`, options())).rejects.toThrow(new BlobMissingError(pushed.layerDigests[0]!, registry.address));
    expect(await readdir(work)).toEqual([]);
  });

  it('cleans up when aborted', async () => {
    await pushLayers(registry.url, 'test/abort', 'v1', [{ body: await gzipLayer([{ name: 'a', content: 'a' }]) }]);
    const controller = new AbortController();
    controller.abort(new Error('scan cancelled'));
    await expect(fetchImage(`${registry.address}/test/abort:v1`, { ...options(), signal: controller.signal })).rejects.toThrow('scan cancelled');
    expect(await readdir(work)).toEqual([]);
  });

  describe('behind a token server', () => {
    let proxy: Server;
    let proxyAddress: string;
    const issued: string[] = [];

    beforeAll(async () => {
      await pushLayers(registry.url, 'test/private', 'v1', [{ body: await gzipLayer([{ name: 'secret', content: 's' }]) }]);
      // A registry front that wants a Bearer token, and its token endpoint that wants Basic credentials.
      proxy = createServer((request, response) => {
        void (async () => {
          const url = new URL(request.url ?? '/', 'http://x');
          if (url.pathname === '/token') {
            const expected = `Basic ${Buffer.from('alice:wonder').toString('base64')}`;
            if (request.headers.authorization !== expected) return void response.writeHead(401).end();
            issued.push(url.searchParams.get('scope') ?? '');
            return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok-123' }));
          }
          if (request.headers.authorization !== 'Bearer tok-123') {
            response.writeHead(401, {
              'www-authenticate': `Bearer realm="http://${proxyAddress}/token",service="test-registry",scope="repository:test/private:pull"`,
            });
            return void response.end();
          }
          const upstream = await fetch(`${registry.url}${request.url}`, { headers: { accept: request.headers.accept ?? '*/*' } });
          const headers: Record<string, string> = {};
          upstream.headers.forEach((value, key) => {
            if (key !== 'content-encoding' && key !== 'transfer-encoding') headers[key] = value;
          });
          response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
        })();
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyAddress = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('fetches with credentials through the Bearer challenge', async () => {
      const image = await fetchImage(`${proxyAddress}/test/private:v1`, { ...options(), credentials: { username: 'alice', password: 'wonder' } });
      expect(readFileSync(path.join(image.rootfs, 'secret'), 'utf8')).toEqual('s');
      expect(issued).toEqual(['repository:test/private:pull']);
      await image.cleanup();
    });

    it('fails with a RegistryError without credentials', async () => {
      await expect(fetchImage(`${proxyAddress}/test/private:v1`, options())).rejects.toThrow(RegistryError);
      await expect(fetchImage(`${proxyAddress}/test/private:v1`, options())).rejects.toThrow(
        /token request to http:\/\/127\.0\.0\.1:\d+\/token answered HTTP 401/,
      );
    });
  });

  it('fails with a RegistryError when the registry is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchImage(`127.0.0.1:${port}/x/y:z`, options())).rejects.toThrow(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/v2/x/y/manifests/z: ECONNREFUSED$`),
    );
  });
});

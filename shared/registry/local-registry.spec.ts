import { createServer as createTcpServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { RegistryStartError, runningLocalRegistry, startLocalRegistry, withRunningLocalRegistry } from './local-registry';

/** Pushes a one-blob image with the registry HTTP API, as a client would. */
async function pushTinyImage(url: string, repository: string, tag: string, headers: Record<string, string> = {}): Promise<string> {
  const upload = async (body: Buffer): Promise<string> => {
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
    const location = new URL(start.headers.get('location')!, url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body, headers: { ...headers, 'content-type': 'application/octet-stream' } });
    expect(put.status).toEqual(201);
    return digest;
  };
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
  const configDigest = await upload(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [],
  });
  const put = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(put.status).toEqual(201);
  return put.headers.get('docker-content-digest')!;
}

describe('startLocalRegistry', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the registry API on 127.0.0.1 and posts push notifications', async () => {
    const notifications: unknown[] = [];
    const sink = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        notifications.push({ contentType: request.headers['content-type'], body: JSON.parse(body) });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const sinkPort = (sink.address() as { port: number }).port;
    const registry = await startLocalRegistry({ dir: path.join(dir, 'a'), notificationsUrl: `http://127.0.0.1:${sinkPort}/` });
    try {
      expect(registry.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const digest = await pushTinyImage(registry.url, 'sample/tiny', 'v1');
      const tags = (await (await fetch(`${registry.url}/v2/sample/tiny/tags/list`)).json()) as { tags: string[] };
      expect(tags).toEqual({ name: 'sample/tiny', tags: ['v1'] });
      for (let i = 0; i < 50 && notifications.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const first = notifications[0] as {
        contentType: string;
        body: { events: { action: string; target: { repository: string; tag: string; digest: string } }[] };
      };
      expect(first.contentType).toMatch(/^application\/vnd\.docker\.distribution\.events\.v1\+json/);
      const push = first.body.events.find((event) => event.action === 'push')!;
      expect({ repository: push.target.repository, tag: push.target.tag, digest: push.target.digest }).toEqual({
        repository: 'sample/tiny',
        tag: 'v1',
        digest,
      });
    } finally {
      await registry.stop();
      sink.close();
    }
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });

  it('stops a registry left running from the same folder before starting again', async () => {
    const first = await startLocalRegistry({ dir: path.join(dir, 'b') });
    const pid = Number((await readFile(path.join(dir, 'b', 'registry.pid'), 'utf8')).trim());
    const second = await startLocalRegistry({ dir: path.join(dir, 'b') });
    try {
      for (let i = 0; i < 50; i++) {
        const alive = await readFile(`/proc/${pid}/status`, 'utf8').then(
          (s) => !/State:\s+Z/.test(s),
          () => false,
        );
        if (!alive) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await expect(
        readFile(`/proc/${pid}/status`, 'utf8').then(
          (s) => !/State:\s+Z/.test(s),
          () => false,
        ),
      ).resolves.toBe(false);
      await expect(fetch(`${second.url}/v2/`).then((r) => r.status)).resolves.toEqual(200);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('asks for its login when started with one, and keeps the login (and the images) across restarts', async () => {
    const first = await startLocalRegistry({ dir: path.join(dir, 'login') });
    await first.stop();
    expect(first.login).toEqual(null);
    const registry = await startLocalRegistry({ dir: path.join(dir, 'login'), login: true });
    const login = registry.login!;
    const basic = { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` };
    const wrong = { authorization: `Basic ${Buffer.from(`${login.username}:not-the-password`).toString('base64')}` };
    let digest: string;
    try {
      expect(registry.access).toEqual({ address: registry.address, tlsVerify: false, username: login.username, password: login.password });
      const statuses = await Promise.all([
        fetch(`${registry.url}/v2/`).then((r) => r.status),
        fetch(`${registry.url}/v2/`, { headers: wrong }).then((r) => r.status),
        fetch(`${registry.url}/v2/sample/tiny/blobs/uploads/`, { method: 'POST' }).then((r) => r.status),
        fetch(`${registry.url}/v2/`, { headers: basic }).then((r) => r.status),
      ]);
      expect(statuses).toEqual([401, 401, 401, 200]);
      digest = await pushTinyImage(registry.url, 'sample/tiny', 'v1', basic);
    } finally {
      await registry.stop();
    }
    const modes = await Promise.all(['login.json', 'htpasswd', 'config.yml'].map(async (name) => (await stat(path.join(dir, 'login', name))).mode & 0o777));
    expect(modes).toEqual([0o600, 0o600, 0o600]);
    expect(await readFile(path.join(dir, 'login', 'config.yml'), 'utf8')).not.toContain(login.password);
    const again = await startLocalRegistry({ dir: path.join(dir, 'login'), login: true });
    try {
      // The same host:port as before: stored image references and journalled events name it.
      expect([again.login, again.address]).toEqual([login, registry.address]);
      const manifest = await fetch(`${again.url}/v2/sample/tiny/manifests/v1`, { headers: { ...basic, accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect([manifest.status, manifest.headers.get('docker-content-digest')]).toEqual([200, digest]);
    } finally {
      await again.stop();
    }
  });

  it("takes another port when the last start's port is taken meanwhile", async () => {
    const first = await startLocalRegistry({ dir: path.join(dir, 'moved') });
    await first.stop();
    const squatter = createTcpServer();
    await new Promise<void>((resolve) => squatter.listen(Number(first.address.split(':')[1]), '127.0.0.1', resolve));
    try {
      const second = await startLocalRegistry({ dir: path.join(dir, 'moved') });
      try {
        expect([second.address === first.address, await fetch(`${second.url}/v2/`).then((r) => r.status)]).toEqual([false, 200]);
      } finally {
        await second.stop();
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('tells another command on the same data dir the running registry and its login (ccp scan next to ccp serve)', async () => {
    const dataDir = path.join(dir, 'data-dir');
    expect(await runningLocalRegistry(dataDir)).toEqual(null);
    const registry = await startLocalRegistry({ dir: path.join(dataDir, 'registry'), login: true });
    const effective = async (flags: { registry?: string }, env: Record<string, string> = {}) => {
      const config = await withRunningLocalRegistry(loadConfig({ dataDir, ...flags }, env));
      return { registry: config.registry, registryAuth: config.registryAuth };
    };
    try {
      expect(await runningLocalRegistry(dataDir)).toEqual({ address: registry.address, login: registry.login });
      const cases = await Promise.all([
        effective({}),
        effective({ registry: registry.address }),
        effective({ registry: 'registry.example.org:5000' }),
        effective({ registry: registry.address }, { CCP_REGISTRY_USERNAME: 'someone', CCP_REGISTRY_PASSWORD: 'configured-pass' }),
      ]);
      expect(cases).toEqual([
        { registry: registry.address, registryAuth: registry.login },
        { registry: registry.address, registryAuth: registry.login },
        { registry: 'registry.example.org:5000', registryAuth: undefined },
        { registry: registry.address, registryAuth: { username: 'someone', password: 'configured-pass' } },
      ]);
    } finally {
      await registry.stop();
    }
    expect(await effective({})).toEqual({ registry: '', registryAuth: undefined });
  });

  it('fails clearly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startLocalRegistry({ dir: path.join(dir, 'c'), port, startTimeoutMs: 5000 })).rejects.toThrow(RegistryStartError);
    } finally {
      blocker.close();
    }
  });

  it('ends with the process that started it, even one that dies of an uncaught error (no orphan)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-orphan-'));
    try {
      const child = spawnSync(
        process.execPath,
        ['-r', path.resolve(__dirname, '../../test/scan-support/ts-register.js'), path.join(__dirname, '__fixtures__', 'dies-with-registry.ts'), dir],
        { encoding: 'utf8', timeout: 60_000 },
      );
      const pid = Number(child.stdout.trim());
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Gone, or a zombie that this container's init has not reaped yet: not running either way.
      const state = await readFile(`/proc/${pid}/status`, 'utf8').then(
        (status) => /^State:\s+(\S)/m.exec(status)?.[1] ?? '',
        () => '',
      );
      const alive = state !== '' && state !== 'Z';
      expect([child.status, pid > 0, alive]).toEqual([1, true, false]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRegistry, type LocalPackageRegistry } from '../../test/scan-support/registries';
import { PackageRegistryClient, RegistryUnreachableError } from './registry-client';

describe('PackageRegistryClient', () => {
  let registry: LocalPackageRegistry;
  let stalled: Server;
  let stalledUrl: string;

  beforeAll(async () => {
    registry = await startRegistry((path) => {
      if (path === '/ok') return { status: 200, body: { answer: 42 } };
      if (path === '/gone') return { status: 410, body: {} };
      if (path === '/broken') return { status: 502, body: {} };
      return { status: 404, body: {} };
    });
    // Accepts the connection and never answers, like a registry behind a dead proxy.
    stalled = createServer(() => undefined);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    stalledUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await registry.stop();
    stalled.closeAllConnections();
    await new Promise((resolve) => stalled.close(resolve));
  });

  it('answers JSON, null for 404 and 410, and asks each URL once', async () => {
    const client = new PackageRegistryClient({ rewriteUrl: (url) => url, timeoutMs: 2000 });
    const before = registry.requests.length;
    expect(await client.getJson(`${registry.url}/ok`)).toEqual({ answer: 42 });
    expect(await client.getJson(`${registry.url}/ok`)).toEqual({ answer: 42 });
    expect(await client.getJson(`${registry.url}/missing`)).toBeNull();
    expect(await client.getJson(`${registry.url}/gone`)).toBeNull();
    expect(registry.requests.slice(before)).toEqual(['/ok', '/missing', '/gone']);
    expect(client.requests).toBe(3);
  });

  it('throws RegistryUnreachableError for server errors and timeouts, naming the URL', async () => {
    const client = new PackageRegistryClient({ rewriteUrl: (url) => url, timeoutMs: 200 });
    await expect(client.getJson(`${registry.url}/broken`)).rejects.toThrow(new RegistryUnreachableError(`${registry.url}/broken`, 'HTTP 502'));
    await expect(client.getJson(`${stalledUrl}/x`)).rejects.toThrow(`${stalledUrl}/x: no answer within 200 ms`);
  });

  it('rewrites URLs before asking', async () => {
    const client = new PackageRegistryClient({ rewriteUrl: (url) => url.replace('https://mirror.invalid', registry.url), timeoutMs: 2000 });
    expect(await client.getJson('https://mirror.invalid/ok')).toEqual({ answer: 42 });
  });
});

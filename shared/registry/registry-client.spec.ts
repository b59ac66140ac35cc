import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { BlobMissingError, RegistryNotAllowedError } from './errors';
import { parseImageReference } from './reference';
import { MAX_DOCUMENT_BYTES, RegistryClient } from './registry-client';

/** Listens on 127.0.0.1:0; resolves to `127.0.0.1:<port>`. */
async function listening(server: Server | HttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const close = (server: Server | HttpServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/**
 * Hostile registry answers against the client's allow-list: a registry, a token realm or a
 * redirect on a host:port outside it is refused before any connection (a TCP listener counts
 * them); an allowed storage host is followed without the registry's credentials.
 */
describe('RegistryClient allow-list', () => {
  let trap: Server;
  let trapAddress: string;
  let connections = 0;
  let registry: HttpServer;
  let registryAddress: string;
  let storage: HttpServer;
  let storageAddress: string;
  const storageSeen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    trap = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    trapAddress = await listening(trap);
    storage = createHttpServer((request, response) => {
      storageSeen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end('layer bytes');
    });
    storageAddress = await listening(storage);
    // Paths name the attack: /v2/realm-trap/… challenges with a realm on the trap, /v2/redirect-*/…
    // redirects blobs (redirect-storage after a Basic login), /v2/gone/… has no blob.
    registry = createHttpServer((request, response) => {
      const url = request.url ?? '';
      if (url.startsWith('/v2/realm-trap/')) response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${trapAddress}/token",service="evil"` }).end();
      else if (url.startsWith('/v2/redirect-trap/')) response.writeHead(307, { location: `http://${trapAddress}/blob` }).end();
      else if (url.startsWith('/v2/redirect-storage/') && !request.headers.authorization)
        response.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      else if (url.startsWith('/v2/redirect-storage/')) response.writeHead(307, { location: `http://${storageAddress}/blob?signed=1` }).end();
      else if (url.startsWith('/v2/huge/')) {
        // A "manifest" that never ends, chunked (no content-length to refuse up front).
        response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        const write = (): void => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', write);
        };
        write();
      } else response.writeHead(404).end();
    });
    registryAddress = await listening(registry);
  });

  afterAll(async () => {
    await Promise.all([close(trap), close(registry), close(storage)]);
  });

  beforeEach(() => {
    connections = 0;
    storageSeen.length = 0;
  });

  const client = (allowed: string[]): RegistryClient =>
    new RegistryClient({ allowedRegistries: allowed, timeoutMs: 5000, credentials: { username: 'ci', password: 'registry-secret' } });
  const DIGEST = `sha256:${'a'.repeat(64)}`;

  it.each([
    ['a registry outside the list', () => `${trapAddress}/x:y`, () => `registry ${trapAddress} is not allowed`],
    ['the metadata address', () => '169.254.169.254/latest:meta', () => 'registry 169.254.169.254 is not allowed'],
    ['a Bearer realm on another port of the same host', () => `${registryAddress}/realm-trap:latest`, () => `token realm ${trapAddress} is not allowed`],
  ])('refuses %s before connecting', async (_name, ref, message) => {
    await expect(client([registryAddress]).resolveManifest(parseImageReference(ref()))).rejects.toBeInstanceOf(RegistryNotAllowedError);
    await expect(client([registryAddress]).resolveManifest(parseImageReference(ref()))).rejects.toThrow(message());
    expect(connections).toBe(0);
  });

  it('refuses a blob redirect to a host outside the list before connecting', async () => {
    await expect(client([registryAddress]).blob(parseImageReference(`${registryAddress}/redirect-trap:latest`), DIGEST)).rejects.toThrow(
      `redirect to ${trapAddress} is not allowed`,
    );
    expect(connections).toBe(0);
  });

  it('follows a blob redirect to an allowed storage host, without the registry credentials', async () => {
    const response = await client([registryAddress, storageAddress]).blob(parseImageReference(`${registryAddress}/redirect-storage:latest`), DIGEST);
    expect([await response.text(), storageSeen.length, storageSeen[0]?.authorization]).toEqual(['layer bytes', 1, undefined]);
  });

  it('says a blob is missing (HTTP 404 on the blob), not that the image is absent', async () => {
    await expect(client([registryAddress]).blob(parseImageReference(`${registryAddress}/gone:latest`), DIGEST)).rejects.toThrow(
      new BlobMissingError(DIGEST, registryAddress),
    );
  });

  it('refuses a manifest over the in-memory bound, as a 413 that is not retried', async () => {
    const failure = client([registryAddress]).resolveManifest(parseImageReference(`${registryAddress}/huge:latest`));
    await expect(failure).rejects.toThrow(`manifest huge:latest from ${registryAddress} is over the ${MAX_DOCUMENT_BYTES}-byte bound`);
    await expect(failure).rejects.toMatchObject({ name: 'RegistryError', status: 413 });
  });

  it('allows any registry without a list (callers that choose their own host)', () => {
    expect([new RegistryClient().allows('169.254.169.254'), client(['Quay.io']).allows('quay.io'), client(['quay.io']).allows('quay.io:443')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

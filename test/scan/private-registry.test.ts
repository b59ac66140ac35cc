import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scanFunction } from '../../functions/scan';
import { createFunctionContext } from '../../shared/function/context';
import { registryImagePresence } from '../../functions/weekly-scan/image-presence';
import { loadConfig, type Config } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { fetchImage } from '../../functions/scan/image/fetch-image';
import { RegistryError } from '../../shared/registry/errors';
import { busyboxRootfs } from '../support/images/busybox-rootfs';
import { makeImage } from '../support/images/make-image';
import { type PushedImage } from '../support/images/types';
import { silentLogger } from '../../shared/log/logger';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { FsObjectStore } from '../../shared/store/fs-store';
import { HTPASSWD, REGISTRY_PASSWORD, REGISTRY_USER, startRegistryVariant, type RegistryVariant } from '../builders/registry-variants';

const PROJECT = { appId: 'team', jobId: 'private', desiredTag: 'latest' };
const LOGIN = { CCP_REGISTRY_USERNAME: REGISTRY_USER, CCP_REGISTRY_PASSWORD: REGISTRY_PASSWORD };

/**
 * The pipeline's registry wants a login (a real `docker-registry` with htpasswd Basic auth): the
 * scan function and the weekly rescan read it with `CCP_REGISTRY_USERNAME` /
 * `CCP_REGISTRY_PASSWORD` through `registryClientFor(config)`, fail clearly without them, and never
 * send them to any other registry.
 */
describe('a private pipeline registry', () => {
  let dir: string;
  let secured: RegistryVariant;
  let image: PushedImage;
  let config: Config;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-private-registry-'));
    secured = await startRegistryVariant({ dir: path.join(dir, 'registry'), htpasswd: HTPASSWD });
    const rootfs = await busyboxRootfs(path.join(dir, 'rootfs'), [{ path: '/etc/private.txt', content: 'only with a login\n' }]);
    image = await makeImage({
      rootfs,
      ref: 'team/private:latest',
      registry: { address: secured.address, tlsVerify: false, username: REGISTRY_USER, password: REGISTRY_PASSWORD },
    });
    config = loadConfig({ dataDir: path.join(dir, 'data'), registry: secured.address }, LOGIN);
  });

  afterAll(async () => {
    await secured?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const withoutLogin = (): Config => loadConfig({ dataDir: path.join(dir, 'data'), registry: secured.address }, {});

  it('the registry really wants a login', async () => {
    expect((await fetch(`http://${secured.address}/v2/team/private/manifests/latest`)).status).toBe(401);
  });

  it('fetchImage through registryClientFor(config) reads the image with the configured login', async () => {
    const fetched = await fetchImage(image.ref, { maxBytes: 64 * 1024 ** 2, workDir: dir, client: registryClientFor(config) });
    try {
      expect(fetched.digest).toEqual(image.digest);
      expect(await readFile(path.join(fetched.rootfs, 'etc/private.txt'), 'utf8')).toEqual('only with a login\n');
    } finally {
      await fetched.cleanup();
    }
  });

  it('without a login, fetchImage fails saying the registry requires authentication and none is configured', async () => {
    const fetching = fetchImage(image.ref, { maxBytes: 64 * 1024 ** 2, workDir: dir, client: registryClientFor(withoutLogin()) });
    await expect(fetching).rejects.toThrow(RegistryError);
    await expect(fetchImage(image.ref, { maxBytes: 64 * 1024 ** 2, workDir: dir, client: registryClientFor(withoutLogin()) })).rejects.toThrow(
      `${secured.address} requires authentication and no credentials are configured (basic)`,
    );
  });

  it('with a wrong password, fetchImage fails saying the registry refused the credentials', async () => {
    const wrong = loadConfig({ dataDir: path.join(dir, 'data'), registry: secured.address }, { ...LOGIN, CCP_REGISTRY_PASSWORD: 'not-the-password' });
    await expect(fetchImage(image.ref, { maxBytes: 64 * 1024 ** 2, workDir: dir, client: registryClientFor(wrong) })).rejects.toThrow(
      `${secured.address} refused the credentials for team/private (HTTP 401)`,
    );
  });

  it('the scan function scans the image; without a login its scan is aborted with the reason', async () => {
    const request = (id: string): ReturnType<typeof makeEvent> =>
      makeEvent(EventTypes.scanRequested, { project: PROJECT, image: { ref: image.ref, digest: image.digest }, reason: 'manual' }, { source: '/test', id });
    const store = new FsObjectStore(path.join(dir, 'data', 'store'));

    const context = await createFunctionContext(config, silentLogger, { store });
    const [completed] = await scanFunction.handle(request('with-login'), context);
    const data = completed!.data as ScanCompletedData;
    expect(data.image).toEqual({ ref: image.ref, digest: image.digest });
    expect(
      Object.values(data.scanners)
        .map((summary) => summary.reason ?? '')
        .filter((reason) => reason.includes('could not be fetched')),
    ).toEqual([]);
    expect(data.scanners.capabilities).toMatchObject({ status: 'ok' });

    const anonymous = await createFunctionContext(withoutLogin(), silentLogger, { store });
    const [aborted] = await scanFunction.handle(request('without-login'), anonymous);
    const reasons = new Set(Object.values((aborted!.data as ScanCompletedData).scanners).map((summary) => summary.reason));
    expect([...reasons]).toEqual([
      `The image could not be fetched, scan is aborted: ${secured.address} requires authentication and no credentials are configured (basic)`,
    ]);
  });

  it('the weekly rescan finds the image with the login, an absent tag is null, and without a login it throws', async () => {
    const presence = registryImagePresence(registryClientFor(config));
    expect(await presence(image.ref)).toEqual({ digest: image.digest });
    expect(await presence(`${secured.address}/team/never:latest`)).toBeNull();
    await expect(registryImagePresence(registryClientFor(withoutLogin()))(image.ref)).rejects.toThrow(
      'requires authentication and no credentials are configured',
    );
  });

  describe('another registry never receives the login', () => {
    let other: Server;
    let otherAddress: string;
    const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

    beforeAll(async () => {
      // Asks for a login the way registries do: Basic on /v2/basic/…, a Bearer token (whose
      // request would carry Basic credentials) on /v2/bearer/…; the token is granted anonymously.
      other = createServer((request, response) => {
        seen.push({ path: request.url ?? '', headers: request.headers });
        const url = request.url ?? '';
        if (url.startsWith('/token')) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'anonymous-token' }));
        } else if (url.startsWith('/v2/bearer/') && request.headers.authorization === 'Bearer anonymous-token') {
          response.writeHead(404).end();
        } else if (url.startsWith('/v2/bearer/')) {
          response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${otherAddress}/token",service="other"` }).end();
        } else {
          response.writeHead(401, { 'www-authenticate': 'Basic realm="other"' }).end();
        }
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const address = other.address();
      otherAddress = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });

    afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));
    // The other registry is allow-listed (CCP_SCAN_ALLOWED_REGISTRIES); without that it is refused before any request (test/hostile/scan.test.ts).
    const allowing = (): Config =>
      loadConfig({ dataDir: path.join(dir, 'data'), registry: secured.address }, { ...LOGIN, CCP_SCAN_ALLOWED_REGISTRIES: otherAddress });
    beforeEach(() => void (seen.length = 0));

    it('a Basic challenge from another registry gets no credentials: the fetch fails instead', async () => {
      await expect(fetchImage(`${otherAddress}/basic/base:latest`, { maxBytes: 1024, workDir: dir, client: registryClientFor(allowing()) })).rejects.toThrow(
        `${otherAddress} requires authentication and no credentials are configured (basic)`,
      );
      expect(seen.map((request) => request.path)).toEqual(['/v2/basic/base/manifests/latest']);
      expect(seen.map((request) => request.headers.authorization)).toEqual([undefined]);
    });

    it('a Bearer challenge from another registry gets an anonymous token request', async () => {
      await expect(fetchImage(`${otherAddress}/bearer/base:latest`, { maxBytes: 1024, workDir: dir, client: registryClientFor(allowing()) })).rejects.toThrow(
        'has no manifest bearer/base:latest',
      );
      expect(seen.map((request) => [request.path.split('?')[0], request.headers.authorization])).toEqual([
        ['/v2/bearer/base/manifests/latest', undefined],
        ['/token', undefined],
        ['/v2/bearer/base/manifests/latest', 'Bearer anonymous-token'],
      ]);
    });

    it('nothing sent anywhere contains the password', async () => {
      await fetchImage(`${otherAddress}/basic/base:latest`, { maxBytes: 1024, workDir: dir, client: registryClientFor(allowing()) }).catch(() => undefined);
      await registryImagePresence(registryClientFor(allowing()))(`${otherAddress}/basic/base:latest`).catch(() => undefined);
      const basic = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
      expect(seen.length).toBeGreaterThan(1);
      expect(JSON.stringify(seen)).not.toContain(basic);
      expect(JSON.stringify(seen)).not.toContain(REGISTRY_PASSWORD);
    });
  });
});

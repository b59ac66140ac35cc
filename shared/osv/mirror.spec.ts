import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { osvZip, startOsvMirror, type OsvMirror } from '../../test/scan-support/osv-mirror';
import { FsObjectStore } from '../store/fs-store';
import { osvExportKey, osvSourceKey } from '../store/keys';
import { exportUrl, refreshOsvExports, type MirrorOptions } from './mirror';

describe('refreshOsvExports', () => {
  let dir: string;
  let mirror: OsvMirror;
  let backup: OsvMirror;
  let zipA: Buffer;
  let zipB: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-osv-mirror-'));
    [mirror, backup] = await Promise.all([startOsvMirror(), startOsvMirror()]);
    zipA = await osvZip([{ id: 'PYSEC-1', modified: '2024-01-01T00:00:00Z' }]);
    zipB = await osvZip([
      { id: 'PYSEC-1', modified: '2024-01-01T00:00:00Z' },
      { id: 'PYSEC-2', modified: '2024-01-02T00:00:00Z' },
    ]);
  });

  afterAll(async () => {
    await Promise.all([mirror?.close(), backup?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const options = (overrides: Partial<MirrorOptions> = {}): MirrorOptions => ({ urls: [mirror.url], ecosystems: ['PyPI'], timeoutMs: 5000, ...overrides });

  it('names exports as the osv.dev bucket lays them out', () => {
    expect([exportUrl('https://m.example/osv/', 'Red Hat'), exportUrl('https://m.example', 'AlmaLinux:9')]).toEqual([
      'https://m.example/osv/Red%20Hat/all.zip',
      'https://m.example/AlmaLinux%3A9/all.zip',
    ]);
  });

  it('downloads once, then asks with the validators and gets a 304 without downloading again', async () => {
    const store = new FsObjectStore(path.join(dir, 'conditional'));
    mirror.publish('PyPI', zipA);
    mirror.requests.length = 0;
    expect(await refreshOsvExports(store, options())).toEqual([{ ecosystem: 'PyPI', status: 'updated', url: `${mirror.url}/PyPI/all.zip` }]);
    expect((await store.get(osvExportKey('pypi')))?.body).toEqual(zipA);
    const source = JSON.parse((await store.get(osvSourceKey('pypi')))!.body.toString('utf8')) as Record<string, unknown>;
    expect(source).toEqual(
      expect.objectContaining({
        ecosystem: 'PyPI',
        url: `${mirror.url}/PyPI/all.zip`,
        etag: expect.stringMatching(/^"[0-9a-f]{16}"$/),
        lastModified: expect.any(String),
        bytes: zipA.length,
      }),
    );

    expect(await refreshOsvExports(store, options())).toEqual([{ ecosystem: 'PyPI', status: 'unchanged', url: `${mirror.url}/PyPI/all.zip` }]);
    expect(mirror.requests.map((request) => [request.status, request.bytes, request.ifNoneMatch ?? null, request.ifModifiedSince ?? null])).toEqual([
      [200, zipA.length, null, null],
      [304, 0, source.etag, source.lastModified],
    ]);
  });

  it('stores a new export when the mirror has one', async () => {
    const store = new FsObjectStore(path.join(dir, 'new'));
    mirror.publish('PyPI', zipA);
    await refreshOsvExports(store, options());
    mirror.publish('PyPI', zipB);
    expect((await refreshOsvExports(store, options()))[0]!.status).toEqual('updated');
    expect((await store.get(osvExportKey('pypi')))?.body).toEqual(zipB);
  });

  it('does not ask again within the interval', async () => {
    const store = new FsObjectStore(path.join(dir, 'recent'));
    mirror.publish('PyPI', zipA);
    await refreshOsvExports(store, options());
    const asked = mirror.requests.length;
    expect((await refreshOsvExports(store, options({ minIntervalMs: 60_000 })))[0]!.status).toEqual('recent');
    expect(mirror.requests.length).toEqual(asked);
  });

  it('falls over to the next mirror, and sends no validators to a URL that did not give them', async () => {
    const store = new FsObjectStore(path.join(dir, 'failover'));
    mirror.publish('PyPI', zipA);
    await refreshOsvExports(store, options());
    mirror.fail('PyPI', 503);
    backup.publish('PyPI', zipA);
    expect(await refreshOsvExports(store, options({ urls: [mirror.url, backup.url] }))).toEqual([
      { ecosystem: 'PyPI', status: 'updated', url: `${backup.url}/PyPI/all.zip` },
    ]);
    expect(backup.requests.at(-1)).toEqual({ path: '/PyPI/all.zip', status: 200, bytes: zipA.length });
  });

  it.each([
    ['not a zip', () => Buffer.from('<html>oops</html>'), {}, /: not a zip: /],
    ['larger than allowed', () => zipB, { maxZipBytes: 100 }, /all\.zip: is \d+ bytes, more than 100$/],
    ['past the zip limits', () => zipB, { zipLimits: { maxEntries: 1, maxEntryBytes: 1e6, maxTotalBytes: 1e6 } }, /has 2 entries, more than 1$/],
  ])('keeps the stored export when the new one is %s', async (name, body, overrides, error) => {
    const store = new FsObjectStore(path.join(dir, `refuse-${name.replace(/\W+/g, '-')}`));
    mirror.publish('RubyGems', zipA);
    await refreshOsvExports(store, options({ ecosystems: ['RubyGems'] }));
    mirror.publish('RubyGems', body());
    const [outcome] = await refreshOsvExports(store, options({ ecosystems: ['RubyGems'], ...overrides }));
    expect([outcome!.status, outcome!.error]).toEqual(['failed', expect.stringMatching(error)]);
    expect((await store.get(osvExportKey('rubygems')))?.body).toEqual(zipA);
  });

  it('fails an ecosystem no mirror has, naming each answer', async () => {
    const store = new FsObjectStore(path.join(dir, 'missing'));
    const [outcome] = await refreshOsvExports(store, options({ ecosystems: ['Rocky Linux'], urls: [mirror.url, backup.url] }));
    expect(outcome).toEqual({
      ecosystem: 'Rocky Linux',
      status: 'failed',
      error: `OSV Rocky Linux: ${mirror.url}/Rocky%20Linux/all.zip: HTTP 404; ${backup.url}/Rocky%20Linux/all.zip: HTTP 404`,
    });
  });
});

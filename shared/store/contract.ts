/// <reference types="jest" />
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { etagOf } from './etag';
import { InvalidKeyError, PreconditionFailedError } from './errors';
import type { ObjectStore } from './types';

/** How the contract suite asks for a fresh, empty store. */
export interface ContractStoreOptions {
  /** Keys per listing page, for stores that page (S3); a small one makes listings cross pages. */
  pageSize?: number;
}

/**
 * The behaviour every ObjectStore must have, as one suite that the fs and S3 specs both run:
 * S3 semantics for reads, ETags (unquoted MD5 hex), listings (string prefixes, delimiters,
 * pagination, UTF-8 byte order), conditional puts (also under concurrency) and key validation.
 * `makeStore` returns a new empty store for every test.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 */
export function describeObjectStoreContract(name: string, makeStore: (options?: ContractStoreOptions) => Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('puts, gets, heads and deletes an object', async () => {
      const { etag } = await store.put('state/a.json', '{"a":1}', { contentType: 'application/json' });
      expect(etag).toEqual(etagOf(Buffer.from('{"a":1}')));
      const stored = await store.get('state/a.json');
      expect(stored).toEqual({
        key: 'state/a.json',
        body: Buffer.from('{"a":1}'),
        size: 7,
        etag,
        lastModified: expect.any(Date),
        contentType: 'application/json',
      });
      expect(stored!.lastModified.getFullYear()).toBeGreaterThanOrEqual(2024);
      expect(await store.head('state/a.json')).toEqual({ key: 'state/a.json', size: 7, etag, lastModified: expect.any(Date), contentType: 'application/json' });
      await store.delete('state/a.json');
      expect(await store.get('state/a.json')).toBeNull();
      expect(await store.head('state/a.json')).toBeNull();
    });

    it('overwrites an object and reports the new ETag', async () => {
      const first = await store.put('k', 'one');
      const second = await store.put('k', 'two', { contentType: 'text/plain' });
      expect(second.etag).not.toEqual(first.etag);
      expect(await store.get('k')).toMatchObject({ body: Buffer.from('two'), etag: second.etag, contentType: 'text/plain' });
    });

    it('answers null for an absent key and deletes an absent key without error', async () => {
      expect(await store.get('nothing/here')).toBeNull();
      expect(await store.head('nothing/here')).toBeNull();
      await expect(store.delete('nothing/here')).resolves.toBeUndefined();
    });

    it('answers null for a key that is only a folder of other keys', async () => {
      await store.put('folder/inner', 'x');
      expect(await store.get('folder')).toBeNull();
      expect(await store.head('folder')).toBeNull();
    });

    it('keeps binary bodies byte for byte', async () => {
      const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), randomBytes(4096)]);
      const { etag } = await store.put('bin/all-bytes', body);
      const stored = await store.get('bin/all-bytes');
      expect(stored!.body.equals(body)).toBe(true);
      expect(etag).toEqual(etagOf(body));
    });

    it('accepts a stream of unknown length as the body', async () => {
      const chunks = [Buffer.from('first,'), 'second,', Buffer.from('third')];
      const { etag } = await store.put('stream/x.log', Readable.from(chunks), { contentType: 'text/plain' });
      const stored = await store.get('stream/x.log');
      expect(stored!.body.toString()).toEqual('first,second,third');
      expect(stored!.etag).toEqual(etag);
      expect(etag).toEqual(etagOf(Buffer.from('first,second,third')));
    });

    it('stores a large object (5 MB) intact', async () => {
      const body = randomBytes(5 * 1024 * 1024);
      const { etag } = await store.put('big/blob.bin', body);
      const stored = await store.get('big/blob.bin');
      expect(stored!.size).toEqual(body.length);
      expect(stored!.body.equals(body)).toBe(true);
      expect(etag).toEqual(etagOf(body));
      expect((await store.head('big/blob.bin'))!.size).toEqual(body.length);
    });

    it.each([
      ['text/html; charset=utf-8', 'text/html; charset=utf-8'],
      ['application/sarif+json', 'application/sarif+json'],
      [undefined, 'application/octet-stream'],
    ])('keeps the content type %s (reads back %s)', async (given, expected) => {
      await store.put('typed/report', '<p>hi</p>', given ? { contentType: given } : {});
      expect((await store.get('typed/report'))!.contentType).toEqual(expected);
      expect((await store.head('typed/report'))!.contentType).toEqual(expected);
    });

    it('lists by string prefix, not by folder', async () => {
      await putAll(store, ['reports/a/x', 'reports/ab/y', 'reports/b/z', 'other/q']);
      const listed = await store.list('reports/a');
      expect(listed.objects.map((object) => object.key)).toEqual(['reports/a/x', 'reports/ab/y']);
      expect(listed.prefixes).toEqual([]);
      expect(listed.objects[0]).toEqual({
        key: 'reports/a/x',
        size: 'reports/a/x'.length,
        etag: etagOf(Buffer.from('reports/a/x')),
        lastModified: expect.any(Date),
      });
      expect((await store.list('')).objects.map((object) => object.key)).toEqual(['other/q', 'reports/a/x', 'reports/ab/y', 'reports/b/z']);
      expect((await store.list('nope/')).objects).toEqual([]);
    });

    it('groups keys into common prefixes with a delimiter, including prefixes that hold only folders', async () => {
      await putAll(store, ['p/top.txt', 'p/a/1', 'p/a/2', 'p/b/c/d', 'p/bx', 'q']);
      const byFolder = await store.list('p/', { delimiter: '/' });
      expect(byFolder.objects.map((object) => object.key)).toEqual(['p/bx', 'p/top.txt']);
      expect(byFolder.prefixes).toEqual(['p/a/', 'p/b/']);
      expect(await keysAndPrefixes(store, '', '/')).toEqual({ keys: ['q'], prefixes: ['p/'] });
      expect(await keysAndPrefixes(store, 'p/b', '/')).toEqual({ keys: ['p/bx'], prefixes: ['p/b/'] });
      expect(await keysAndPrefixes(store, 'p/b/', '/')).toEqual({ keys: [], prefixes: ['p/b/c/'] });
    });

    it('forgets the folders of deleted objects', async () => {
      await putAll(store, ['gone/deep/er/x', 'kept/y']);
      await store.delete('gone/deep/er/x');
      expect(await keysAndPrefixes(store, '', '/')).toEqual({ keys: [], prefixes: ['kept/'] });
    });

    it('sorts keys by their UTF-8 bytes, as S3 does', async () => {
      await putAll(store, ['u/\u{1F600}', 'u/\uFFFD', 'u/é', 'u/z', 'u/Z']);
      expect((await store.list('u/')).objects.map((object) => object.key)).toEqual(['u/Z', 'u/z', 'u/é', 'u/\uFFFD', 'u/\u{1F600}']);
    });

    it('lists more than 1000 keys (beyond one S3 page)', async () => {
      const keys = Array.from({ length: 1001 }, (_, index) => `many/k${String(index).padStart(4, '0')}`);
      await putAll(store, keys);
      const listed = await store.list('many/');
      expect(listed.objects).toHaveLength(1001);
      expect(listed.objects.map((object) => object.key)).toEqual(keys);
    });

    it('follows every page of a listing, with and without a delimiter', async () => {
      const paged = await makeStore({ pageSize: 3 });
      const keys = ['d/a/1', 'd/a/2', 'd/b/1', 'd/c/1', 'd/e', 'd/f', 'd/g/1', 'd/h', 'd/i', 'd/j/1', 'd/k'];
      await putAll(paged, keys);
      expect((await paged.list('d/')).objects.map((object) => object.key)).toEqual(keys);
      expect(await keysAndPrefixes(paged, 'd/', '/')).toEqual({
        keys: ['d/e', 'd/f', 'd/h', 'd/i', 'd/k'],
        prefixes: ['d/a/', 'd/b/', 'd/c/', 'd/g/', 'd/j/'],
      });
    });

    it('creates only when asked with ifNoneMatch: *', async () => {
      await store.put('once', 'first', { ifNoneMatch: '*' });
      await expect(store.put('once', 'second', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.get('once'))!.body.toString()).toEqual('first');
    });

    it('swaps only when the ETag still matches (ifMatch)', async () => {
      const first = await store.put('cas', 'v1');
      const second = await store.put('cas', 'v2', { ifMatch: first.etag });
      await expect(store.put('cas', 'v3', { ifMatch: first.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.get('cas'))!.body.toString()).toEqual('v2');
      // Quoted, as S3 sends ETags in headers, works the same.
      await store.put('cas', 'v4', { ifMatch: `"${second.etag}"` });
      expect((await store.get('cas'))!.body.toString()).toEqual('v4');
      await expect(store.put('absent', 'x', { ifMatch: first.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.head('absent')).toBeNull();
    });

    it('lets exactly one of 10 concurrent create-only puts win', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => store.put('race/create', `writer ${index}`, { ifNoneMatch: '*' })));
      const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
      expect((await store.get('race/create'))!.body.toString()).toEqual(`writer ${winners[0]}`);
    });

    it('lets exactly one of 10 concurrent compare-and-swap puts win', async () => {
      const { etag } = await store.put('race/cas', 'start');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => store.put('race/cas', `writer ${index}`, { ifMatch: etag })));
      const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
      expect((await store.get('race/cas'))!.body.toString()).toEqual(`writer ${winners[0]}`);
    });

    it.each([
      ['empty', ''],
      ['leading slash', '/lead'],
      ['trailing slash', 'trail/'],
      ['empty segment', 'a//b'],
      ['".." segment', 'a/../b'],
      ['only ".."', '..'],
      ['"." segment', './a'],
      ['inner "." segment', 'a/./b'],
      ['NUL byte', 'nul\u0000byte'],
      ['tab', 'tab\there'],
      ['backslash', 'a\\..\\b'],
      ['over 1024 bytes', 'x'.repeat(1025)],
      ['segment over 255 bytes', `${'y'.repeat(256)}/z`],
      ['reserved folder', '.ccp-store/meta/x'],
    ])('refuses a key with %s in every operation, naming it', async (_what, key) => {
      for (const operation of [() => store.put(key, 'x'), () => store.get(key), () => store.head(key), () => store.delete(key)]) {
        const error = await operation().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InvalidKeyError);
        expect((error as InvalidKeyError).errors[0]!.message).toContain(JSON.stringify(key));
      }
      expect(() => store.locationOf(key)).toThrow(InvalidKeyError);
    });

    it('accepts keys with spaces, unicode and punctuation', async () => {
      const key = 'reports/my app/job+1/tag=2/ünï cödé (x) #1 & 50%.json';
      await store.put(key, 'ok');
      expect((await store.get(key))!.body.toString()).toEqual('ok');
      expect((await store.list('reports/my app/')).objects.map((object) => object.key)).toEqual([key]);
    });

    it('names where an object is', () => {
      expect(store.locationOf('reports/a/b.json')).toMatch(/reports\/a\/b\.json$/);
    });
  });
}

/** Puts each key with its own name as the body, 16 at a time. */
async function putAll(store: ObjectStore, keys: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await store.put(key, key);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function keysAndPrefixes(store: ObjectStore, prefix: string, delimiter: string): Promise<{ keys: string[]; prefixes: string[] }> {
  const listed = await store.list(prefix, { delimiter });
  return { keys: listed.objects.map((object) => object.key), prefixes: listed.prefixes };
}

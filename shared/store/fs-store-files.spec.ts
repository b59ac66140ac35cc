import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etagOf } from './etag';
import { StoreError } from './errors';
import { FsObjectStore } from './fs-store';

// What only the filesystem store has: real files a person opens, its own folder kept out of
// sight, lock files, and the limits of mapping keys onto folders.
let root: string;
let store: FsObjectStore;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ccp-fs-files-'));
  store = new FsObjectStore(root, { lockTimeoutMs: 300 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function lockFileOf(key: string): string {
  return path.join(root, '.ccp-store', 'locks', `${createHash('sha256').update(key).digest('hex')}.lock`);
}

describe('FsObjectStore files', () => {
  it('keeps each object as the plain file <root>/<key>', async () => {
    await store.put('reports/app/job/latest/b1/scan.html', '<h1>scan</h1>', { contentType: 'text/html' });
    const file = store.locationOf('reports/app/job/latest/b1/scan.html');
    expect(file).toEqual(path.join(root, 'reports', 'app', 'job', 'latest', 'b1', 'scan.html'));
    expect(readFileSync(file, 'utf8')).toEqual('<h1>scan</h1>');
  });

  it('never lists its own sidecars, locks or temporary files, and leaves none behind', async () => {
    await Promise.all(['a/1', 'a/2', 'b'].map((key) => store.put(key, key, { ifNoneMatch: '*' })));
    expect((await store.list('')).objects.map((object) => object.key)).toEqual(['a/1', 'a/2', 'b']);
    expect(await store.list('', { delimiter: '/' })).toEqual({ objects: [expect.objectContaining({ key: 'b' })], prefixes: ['a/'] });
    expect((await store.list('.ccp-store/')).objects).toEqual([]);
    expect((await store.list('.ccp')).objects).toEqual([]);
    expect(readdirSync(path.join(root, '.ccp-store', 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(root, '.ccp-store', 'locks'))).toEqual([]);
  });

  it.each(['edited by hand', 'same size as bef'])('computes the ETag from the content when the file was rewritten in place (%j)', async (edit) => {
    await store.put('reports/x.log', 'same size as old', { contentType: 'text/plain' });
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later mtime, even on coarse clocks
    writeFileSync(store.locationOf('reports/x.log'), edit);
    const expected = etagOf(Buffer.from(edit));
    expect(await store.head('reports/x.log')).toMatchObject({ etag: expected, size: edit.length });
    expect(await store.get('reports/x.log')).toMatchObject({ etag: expected, body: Buffer.from(edit) });
    // A compare-and-swap against the real content works; against the recorded one it fails.
    await expect(store.put('reports/x.log', 'next', { ifMatch: etagOf(Buffer.from('same size as old')) })).rejects.toThrow(/ifMatch/);
    await store.put('reports/x.log', 'next', { ifMatch: expected });
  });

  it.each([
    ['a', 'a/b'],
    ['a/b', 'a'],
  ])('explains that %s and %s cannot both be files here', async (first, second) => {
    await store.put(first, 'one');
    const error = await store.put(second, 'two').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(
      `put ${JSON.stringify(second)}: the filesystem store cannot hold this key next to an object that is also a folder of it`,
    );
    expect((await store.get(first))!.body.toString()).toEqual('one');
  });

  it('takes over a lock left by a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(path.dirname(lockFileOf('state/x.json')), { recursive: true });
    writeFileSync(lockFileOf('state/x.json'), `${gone.stdout} ${os.hostname()}\n`);
    await store.put('state/x.json', 'after the crash', { ifNoneMatch: '*' });
    expect((await store.get('state/x.json'))!.body.toString()).toEqual('after the crash');
  });

  it('waits for a live lock holder and gives up with a StoreError naming the lock', async () => {
    mkdirSync(path.dirname(lockFileOf('state/busy.json')), { recursive: true });
    writeFileSync(lockFileOf('state/busy.json'), `${process.pid} ${os.hostname()}\n`);
    const error = await store.put('state/busy.json', 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'put', key: 'state/busy.json', code: 'ELOCKED' });
    expect(await store.head('state/busy.json')).toBeNull();
  });

  it('deletes "a" without touching "a/b" under it, and prunes empty folders', async () => {
    await store.put('keep/inner/file', 'x');
    await store.delete('keep');
    expect((await store.get('keep/inner/file'))!.body.toString()).toEqual('x');
    await store.delete('keep/inner/file');
    expect(readdirSync(root)).toEqual(['.ccp-store']);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidKeyError, UnsafePathError } from './errors';
import { FsObjectStore } from './fs-store';

// Links planted under the store's root (by anything that can write there) must never be read,
// written, listed or deleted through: the store is served over HTTP under /reports/.
let root: string;
let outside: string;
let canary: string;
let store: FsObjectStore;
const SECRET = 'canary-secret-7f3a';
const RESERVED = '.ccp-store';

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ccp-links-'));
  outside = mkdtempSync(path.join(os.tmpdir(), 'ccp-links-outside-'));
  canary = path.join(outside, 'canary.txt');
  writeFileSync(canary, SECRET);
  store = new FsObjectStore(root, { lockTimeoutMs: 300 });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** Makes `<root>/<key>` a symbolic link to `target`, with its folders. */
function plantLink(key: string, target: string): void {
  mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
  symlinkSync(target, path.join(root, key));
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => null,
    (error: unknown) => error,
  );
}

describe('FsObjectStore and links', () => {
  it.each([
    ['a file link to /etc/passwd', 'reports/a/passwd', '/etc/passwd', 'reports/a/passwd'],
    ['a file link to /proc/self/environ', 'reports/a/environ', '/proc/self/environ', 'reports/a/environ'],
    ['a file link to a canary', 'reports/a/c.txt', 'CANARY', 'reports/a/c.txt'],
    ['a folder link to /etc', 'reports/etc', '/etc', 'reports/etc/passwd'],
    ['a folder link to the canary folder', 'reports/out', 'OUTSIDE', 'reports/out/canary.txt'],
    ['a relative link back inside the root', 'reports/b', 'a', 'reports/b/x.json'],
  ])('get and head refuse %s with UnsafePathError', async (_what, linkKey, target, key) => {
    await store.put('reports/a/x.json', '{}');
    plantLink(linkKey, target === 'CANARY' ? canary : target === 'OUTSIDE' ? outside : target);
    const errors = [await caught(() => store.get(key)), await caught(() => store.head(key))];
    expect(
      errors.map((error) => [error instanceof UnsafePathError, (error as UnsafePathError).code, String((error as Error).message).includes(outside)]),
    ).toEqual([
      [true, 'EUNSAFEPATH', false],
      [true, 'EUNSAFEPATH', false],
    ]);
  });

  it('refuses a hard link to a file outside the root', async () => {
    await store.put('reports/a/x.json', '{}');
    linkSync(canary, path.join(root, 'reports', 'a', 'hard.txt'));
    expect(await caught(() => store.get('reports/a/hard.txt'))).toBeInstanceOf(UnsafePathError);
  });

  it('never writes through a linked folder, and replaces a linked file itself', async () => {
    plantLink('reports/out', outside);
    plantLink('reports/c.txt', canary);
    const error = await caught(() => store.put('reports/out/new.txt', 'x'));
    await store.put('reports/c.txt', 'replaced');
    expect([
      error instanceof UnsafePathError,
      readdirSync(outside),
      readFileSync(canary, 'utf8'),
      lstatSync(path.join(root, 'reports', 'c.txt')).isSymbolicLink(),
    ]).toEqual([true, ['canary.txt'], SECRET, false]);
    expect((await store.get('reports/c.txt'))!.body.toString()).toEqual('replaced');
  });

  it.each([
    ['.ccp-store/tmp', [RESERVED, 'tmp']],
    ['.ccp-store/meta', [RESERVED, 'meta']],
    ['.ccp-store/locks', [RESERVED, 'locks']],
    ['.ccp-store', [RESERVED]],
  ])('refuses to write when its folder %s is a link', async (_what, segments) => {
    plantLink(segments.join('/'), outside);
    const error = await caught(() => store.put('reports/a.txt', 'x'));
    expect([error instanceof UnsafePathError, readdirSync(outside)]).toEqual([true, ['canary.txt']]);
  });

  it('deletes a linked file itself, and refuses to delete through a linked folder', async () => {
    plantLink('reports/c.txt', canary);
    plantLink('reports/out', outside);
    await store.delete('reports/c.txt');
    const error = await caught(() => store.delete('reports/out/canary.txt'));
    expect([existsSync(path.join(root, 'reports', 'c.txt')), error instanceof UnsafePathError, readFileSync(canary, 'utf8')]).toEqual([false, true, SECRET]);
  });

  it('lists neither linked files nor what linked folders hold', async () => {
    await store.put('reports/a/x.json', '{}');
    plantLink('reports/a/passwd', '/etc/passwd');
    plantLink('reports/etc', '/etc');
    plantLink('reports/out', outside);
    plantLink('linked', path.join(root, 'reports'));
    expect([
      (await store.list('')).objects.map((object) => object.key),
      (await store.list('reports/', { delimiter: '/' })).prefixes,
      (await store.list('reports/etc/')).objects,
      (await store.list('linked/')).objects,
    ]).toEqual([['reports/a/x.json'], ['reports/a/'], [], []]);
  });

  it('answers a FIFO in a key’s place as absent, without blocking', async () => {
    mkdirSync(path.join(root, 'reports'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'reports', 'pipe')]);
    expect([await store.get('reports/pipe'), await store.head('reports/pipe')]).toEqual([null, null]);
  });

  it.each(['../', '../etc/', '/etc/', 'a//b', 'a/./b', 'a\\b', 'nul\u0000'])('refuses the listing prefix %j', async (prefix) => {
    const error = await caught(() => store.list(prefix));
    expect([error instanceof InvalidKeyError, (error as InvalidKeyError).errors?.[0]?.field]).toEqual([true, 'prefix']);
  });
});

describe('reads racing writes of the same key', () => {
  it('always see a whole version, never an error or an absent object', async () => {
    await store.put('state/race.json', JSON.stringify({ n: -1 }));
    const failures: string[] = [];
    const seen = new Set<number>();
    let writing = true;
    const writer = (async () => {
      for (let n = 0; n < 200; n += 1) await store.put('state/race.json', JSON.stringify({ n }));
      writing = false;
    })();
    const reader = (async () => {
      while (writing) {
        try {
          const object = await store.get('state/race.json');
          if (!object) failures.push('absent');
          else seen.add((JSON.parse(object.body.toString('utf8')) as { n: number }).n);
        } catch (error) {
          failures.push((error as Error).name);
        }
      }
    })();
    await Promise.all([writer, reader]);
    expect(failures).toEqual([]);
    expect(seen.size).toBeGreaterThan(1);
  });
});

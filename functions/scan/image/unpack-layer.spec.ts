import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { tarOf, type LayerEntry } from '../../../test/scan-support/layer-images';
import { applyLayer, finishDirectories, type UnpackState } from './unpack-layer';

class TooLarge extends Error {}
class TooMany extends Error {}

describe('applyLayer', () => {
  let dir: string;
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-unpack-'));
    outside = path.join(dir, 'outside');
    await mkdir(outside);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function newState(maxBytes = 1e9, maxFiles?: number): UnpackState {
    return {
      root: path.join(dir, 'root'),
      bytes: 0,
      maxBytes,
      directoryTimes: [],
      skipped: [],
      onTooLarge: (bytes) => {
        throw new TooLarge(`${bytes}`);
      },
      files: 0,
      ...(maxFiles !== undefined ? { maxFiles } : {}),
      onTooManyFiles: (files) => {
        throw new TooMany(`${files}`);
      },
    };
  }

  async function apply(state: UnpackState, ...layers: LayerEntry[][]): Promise<string> {
    await mkdir(state.root, { recursive: true });
    for (const layer of layers) await applyLayer(Readable.from(await tarOf(layer)), state);
    finishDirectories(state);
    return state.root;
  }

  const read = (root: string, file: string): string => readFileSync(path.join(root, file), 'utf8');
  const list = async (root: string, folder: string): Promise<string[]> => (await readdir(path.join(root, folder))).sort();

  it('replaces files layer by layer and deletes with whiteouts', async () => {
    const root = await apply(
      newState(),
      [
        { name: 'etc/', type: 'directory' },
        { name: 'etc/a', content: 'a1' },
        { name: 'etc/b', content: 'b1' },
        { name: 'etc/sub/', type: 'directory' },
        { name: 'etc/sub/c', content: 'c1' },
      ],
      [{ name: 'etc/a', content: 'a2' }, { name: 'etc/.wh.b' }, { name: 'etc/.wh.sub' }],
    );
    expect(await list(root, 'etc')).toEqual(['a']);
    expect(read(root, 'etc/a')).toEqual('a2');
  });

  it('empties an opaque directory of lower content but keeps what the same layer wrote, before or after the marker', async () => {
    const root = await apply(
      newState(),
      [
        { name: 'opt/app/old', content: 'old' },
        { name: 'opt/app/deep/old2', content: 'old2' },
        { name: 'opt/keep', content: 'keep' },
      ],
      [
        { name: 'opt/app/', type: 'directory' },
        { name: 'opt/app/before', content: 'before' },
        { name: 'opt/app/deep/', type: 'directory' },
        { name: 'opt/app/.wh..wh..opq' },
        { name: 'opt/app/after', content: 'after' },
      ],
    );
    expect(await list(root, 'opt/app')).toEqual(['after', 'before', 'deep']);
    expect(await list(root, 'opt/app/deep')).toEqual([]);
    expect(read(root, 'opt/keep')).toEqual('keep');
  });

  it.each([
    ['a ../ path', [{ name: '../../outside/evil', content: 'x' }], 'outside/evil'],
    ['an absolute path', [{ name: '/outside/evil', content: 'x' }], 'outside/evil'],
    [
      'a write through an absolute symlink',
      [
        { name: 'link', type: 'symlink', linkname: '/outside' },
        { name: 'link/evil', content: 'x' },
      ],
      'outside/evil',
    ],
    [
      'a write through a relative symlink',
      [
        { name: 'a/link', type: 'symlink', linkname: '../../../outside' },
        { name: 'a/link/evil', content: 'x' },
      ],
      'outside/evil',
    ],
    [
      'a symlink replaced by a file',
      [
        { name: 'f', type: 'symlink', linkname: '/outside/evil' },
        { name: 'f', content: 'x' },
      ],
      'f',
    ],
    ['a whiteout through a symlink', [{ name: 'l', type: 'symlink', linkname: '/outside' }, { name: 'l/.wh.victim' }], null],
  ] as [string, LayerEntry[], string | null][])('never writes outside the root: %s', async (_name, entries, insideRoot) => {
    await writeFile(path.join(outside, 'victim'), 'keep');
    const root = await apply(newState(), entries);
    expect(existsSync(path.join(outside, 'evil'))).toEqual(false);
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toEqual('keep');
    if (insideRoot) expect(read(root, insideRoot)).toEqual('x');
  });

  it('keeps symlinks as they are and hard links inside the root', async () => {
    await writeFile(path.join(outside, 'secret'), 'secret');
    const root = await apply(newState(), [
      { name: 'bin/busybox', content: 'bb', mode: 0o755 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'bin/ls', type: 'link', linkname: 'bin/busybox' },
      { name: 'abs', type: 'symlink', linkname: '/outside/secret' },
      { name: 'hard-escape', type: 'link', linkname: '../outside/secret' },
      { name: 'hard-through-link', type: 'link', linkname: 'abs' },
    ]);
    expect(readlinkSync(path.join(root, 'bin/sh'))).toEqual('busybox');
    expect(statSync(path.join(root, 'bin/ls')).ino).toEqual(statSync(path.join(root, 'bin/busybox')).ino);
    expect(readlinkSync(path.join(root, 'abs'))).toEqual('/outside/secret');
    // '../outside/secret' is 'outside/secret' inside the root, which does not exist
    expect(existsSync(path.join(root, 'hard-escape'))).toEqual(false);
    // a hard link to a symlink is a second symlink, not the host file
    expect(lstatSync(path.join(root, 'hard-through-link')).isSymbolicLink()).toEqual(true);
  });

  it('keeps modes, owners and mtimes', async () => {
    const root = await apply(newState(), [
      { name: 'usr/bin/tool', content: 'x', mode: 0o4755, uid: 12, gid: 34, mtime: new Date('2020-02-02T00:00:00Z') },
      { name: 'usr/', type: 'directory', mode: 0o700, mtime: new Date('2019-01-01T00:00:00Z') },
    ]);
    const tool = statSync(path.join(root, 'usr/bin/tool'));
    expect([tool.mode & 0o7777, tool.uid, tool.gid, tool.mtime.toISOString()]).toEqual([0o4755, 12, 34, '2020-02-02T00:00:00.000Z']);
    const usr = statSync(path.join(root, 'usr'));
    expect([usr.mode & 0o7777, usr.mtime.toISOString()]).toEqual([0o700, '2019-01-01T00:00:00.000Z']);
  });

  it('replaces a directory by a file and a file by a directory', async () => {
    const root = await apply(
      newState(),
      [
        { name: 'x/inner', content: '1' },
        { name: 'y', content: 'file' },
      ],
      [
        { name: 'x', content: 'now a file' },
        { name: 'y/', type: 'directory' },
        { name: 'y/z', content: 'z' },
      ],
    );
    expect(read(root, 'x')).toEqual('now a file');
    expect(read(root, 'y/z')).toEqual('z');
  });

  it('skips devices and fifos and says so', async () => {
    const state = newState();
    await apply(state, [
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
      { name: 'run/fifo', type: 'fifo' },
    ]);
    expect(state.skipped).toEqual(['dev/null: character-device not created', 'run/fifo: fifo not created']);
  });

  it('stops at the byte bound before writing the file that passes it', async () => {
    const state = newState(10);
    await expect(
      apply(state, [
        { name: 'a', content: '123456' },
        { name: 'b', content: '123456' },
      ]),
    ).rejects.toThrow(new TooLarge('12'));
    expect(existsSync(path.join(state.root, 'b'))).toEqual(false);
  });

  it('stops at the file-count bound, counting entries over every layer', async () => {
    const state = newState(1e9, 3);
    await expect(apply(state, [{ name: 'a' }, { name: 'b' }], [{ name: 'c' }, { name: 'd' }])).rejects.toThrow(new TooMany('4'));
    expect([existsSync(path.join(state.root, 'c')), existsSync(path.join(state.root, 'd'))]).toEqual([true, false]);
  });

  // The root cause of a process-killing DOMException: the tar stream failed (its body's time
  // limit) while the loop awaited an entry's file, and the feeding pipeline's rejection had no
  // handler yet. In a process of its own, because jest hides unhandled rejections from tests.
  it('rejects with the stream error when the tar stream fails mid-layer, leaving no unhandled rejection', () => {
    const repo = path.resolve(__dirname, '..', '..', '..');
    const child = spawnSync(
      process.execPath,
      ['-r', path.join(repo, 'test/scan-support/ts-register.js'), path.join(__dirname, '__fixtures__', 'stream-failure-child.ts')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect([child.stdout, child.status]).toEqual(['rejected TimeoutError\n', 0]);
  });
});

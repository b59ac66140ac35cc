import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEntryPath, resolveInRoot, SymlinkLoopError } from './safe-path';

describe('resolveInRoot', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ccp-safe-path-'));
    mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
    symlinkSync('usr/lib', path.join(root, 'lib'));
    symlinkSync('/usr/lib', path.join(root, 'abs'));
    symlinkSync('../../../../..', path.join(root, 'usr/up'));
    symlinkSync('loop2', path.join(root, 'loop1'));
    symlinkSync('loop1', path.join(root, 'loop2'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['etc/passwd', 'etc/passwd'],
    ['/etc/passwd', 'etc/passwd'],
    ['../../etc/passwd', 'etc/passwd'],
    ['lib/x.so', 'usr/lib/x.so'],
    ['abs/x.so', 'usr/lib/x.so'],
    ['usr/up/etc/shadow', 'etc/shadow'],
    ['usr/up', ''],
  ])('%s → <root>/%s', (input, inside) => {
    expect(resolveInRoot(root, input)).toEqual(path.join(root, inside));
  });

  it('does not follow the last component when asked not to', () => {
    expect(resolveInRoot(root, 'abs', false)).toEqual(path.join(root, 'abs'));
  });

  it('stops on a symlink loop', () => {
    expect(() => resolveInRoot(root, 'loop1/x')).toThrow(SymlinkLoopError);
  });
});

describe('cleanEntryPath', () => {
  it.each([
    ['./etc/', 'etc'],
    ['/a/../../b', 'b'],
    ['a//b/./c', 'a/b/c'],
    ['./', ''],
  ])('%s → %s', (input, clean) => {
    expect(cleanEntryPath(input)).toEqual(clean);
  });
});

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitTree, linksInCommit } from './git-tree';
import { findEscapingLinks, fsTree, linksOnDisk, OutsideRepositoryError, resolveInside, type TreeReader } from './inside-checkout';
import { runGit } from './run-git';

// One repository, read both ways: from its work tree (the build's checkout) and from the
// objects of its commit (the lint's reads). Every case must come out the same from both.
let dir: string;
let trees: Array<[string, TreeReader]>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-inside-'));
  const repo = path.join(dir, 'repo');
  await mkdir(path.join(repo, 'app/sub'), { recursive: true });
  await writeFile(path.join(repo, 'app/Dockerfile'), 'FROM scratch\n');
  await writeFile(path.join(repo, 'app/sub/file'), 'x\n');
  const links: Array<[string, string]> = [
    ['app/etc', '/etc'],
    ['app/passwd', '/etc/passwd'],
    ['app/up', '../..'],
    ['app/root', '..'],
    ['app/same', 'Dockerfile'],
    ['app/subdir', 'sub'],
    ['app/chain', 'subdir/../same'],
    ['app/dangling', 'nowhere'],
    ['app/loop', 'loop'],
    ['app/back-in', '../../repo/app/Dockerfile'],
    ['linked-app', 'app'],
  ];
  for (const [link, target] of links) await symlink(target, path.join(repo, link));
  await runGit(['init', '-q', repo]);
  await runGit(['-C', repo, 'add', '--all']);
  await runGit(['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'links']);
  const commit = (await runGit(['-C', repo, 'rev-parse', 'HEAD'])).stdout.trim();
  const bare = path.join(dir, 'bare.git');
  await runGit(['clone', '-q', '--bare', repo, bare]);
  trees = [
    ['the checkout', fsTree(repo)],
    ['the commit', gitTree(bare, commit)],
  ];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveInside', () => {
  it.each([
    ['a file', 'app/Dockerfile', { path: 'app/Dockerfile', kind: 'file' }],
    ['a folder', 'app/sub', { path: 'app/sub', kind: 'dir' }],
    ['the root', '.', { path: '.', kind: 'dir' }],
    ['a link to a sibling', 'app/same', { path: 'app/Dockerfile', kind: 'file' }],
    ['a link to the parent', 'app/root', { path: '.', kind: 'dir' }],
    ['a chain of links with ..', 'app/chain', { path: 'app/Dockerfile', kind: 'file' }],
    ['a path through a linked folder', 'linked-app/subdir/file', { path: 'app/sub/file', kind: 'file' }],
    ['a missing file', 'app/missing', null],
    ['a dangling link', 'app/dangling', null],
    ['a path below a file', 'app/Dockerfile/x', null],
  ])('resolves %s the same from the checkout and the commit', async (_case, relative, expected) => {
    for (const [, tree] of trees) expect(await resolveInside(tree, relative, 'target-file')).toEqual(expected);
  });

  it.each([
    ['an absolute folder link', 'app/etc', 'build-context', 'build-context app/etc leads out of the repository (app/etc -> /etc)'],
    ['an absolute file link', 'app/passwd', 'target-file', 'target-file app/passwd leads out of the repository (app/passwd -> /etc/passwd)'],
    ['a link that climbs out', 'app/up/x', 'git-path', 'git-path app/up/x leads out of the repository (app/up -> ../..)'],
    [
      'a link through a linked folder',
      'linked-app/etc/passwd',
      'target-file',
      'target-file linked-app/etc/passwd leads out of the repository (app/etc -> /etc)',
    ],
    [
      'a link that climbs out and back in',
      'app/back-in',
      'target-file',
      'target-file app/back-in leads out of the repository (app/back-in -> ../../repo/app/Dockerfile)',
    ],
    ['a loop', 'app/loop', 'target-file', 'target-file app/loop leads out of the repository (app/loop -> more than 40 symlinks)'],
  ])('refuses %s with the same words from the checkout and the commit', async (_case, relative, what, message) => {
    for (const [, tree] of trees) {
      const error = await resolveInside(tree, relative, what).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutsideRepositoryError);
      expect((error as Error).message).toEqual(message);
    }
  });
});

describe('findEscapingLinks', () => {
  it('lists every link of a folder that leads out, and only those', async () => {
    const links = await linksOnDisk(path.join(dir, 'repo'), 'app');
    expect(links).toEqual(['app/back-in', 'app/chain', 'app/dangling', 'app/etc', 'app/loop', 'app/passwd', 'app/root', 'app/same', 'app/subdir', 'app/up']);
    const found = await findEscapingLinks(fsTree(path.join(dir, 'repo')), links);
    expect(found.map((item) => item.link)).toEqual(['app/back-in', 'app/etc', 'app/loop', 'app/passwd', 'app/up']);
    expect(found[1]).toEqual({ link: 'app/etc', via: 'app/etc', target: '/etc' });
  });

  it('finds none in a folder without such links', async () => {
    expect(await linksOnDisk(path.join(dir, 'repo'), 'app/sub')).toEqual([]);
    expect(await findEscapingLinks(fsTree(path.join(dir, 'repo')), ['app/same', 'linked-app'])).toEqual([]);
  });
});

describe('linksInCommit', () => {
  it('lists the links of a folder of a commit as linksOnDisk lists them in its checkout', async () => {
    const repo = path.join(dir, 'repo');
    const commit = (await runGit(['-C', repo, 'rev-parse', 'HEAD'])).stdout.trim();
    for (const folder of ['app', 'app/sub', '.']) {
      expect(await linksInCommit(path.join(dir, 'bare.git'), commit, folder)).toEqual(await linksOnDisk(repo, folder));
    }
  });
});

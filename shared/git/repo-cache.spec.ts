import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError } from './errors';
import { RepoCache } from './repo-cache';
import { createLocalRepo, type LocalRepo } from './local-repo';

describe('RepoCache', () => {
  let repo: LocalRepo;
  let cacheDir: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    repo = await createLocalRepo('main');
    first = await repo.commit({ 'docker/Dockerfile': 'FROM busybox:1\n' }, 'first');
    second = await repo.commit({ 'docker/Dockerfile': 'FROM busybox:2\n', README: 'x' }, 'second');
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'ccp-cache-'));
  });

  afterAll(async () => {
    await rm(repo.dir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('resolves a branch to its head commit', async () => {
    const cache = new RepoCache(cacheDir);
    await expect(cache.fetch(repo.url, 'main')).resolves.toMatchObject({ commit: second });
  });

  it.each([
    ['first', () => first, 'FROM busybox:1\n'],
    ['second', () => second, 'FROM busybox:2\n'],
  ])('reads a file at the %s commit', async (_name, commit, expected) => {
    const cache = new RepoCache(cacheDir);
    const fetched = await cache.fetch(repo.url, commit());
    expect(fetched.commit).toEqual(commit());
    const content = await cache.readFile(repo.url, fetched.commit, 'docker/Dockerfile');
    expect(content?.toString()).toEqual(expected);
  });

  it('returns null for a file the commit does not have', async () => {
    const cache = new RepoCache(cacheDir);
    await cache.fetch(repo.url, first);
    await expect(cache.readFile(repo.url, first, 'README')).resolves.toBeNull();
    await expect(cache.readFile(repo.url, first, 'docker')).resolves.toBeNull();
  });

  it('serialises concurrent fetches of one repository', async () => {
    const cache = new RepoCache(cacheDir);
    const results = await Promise.all([cache.fetch(repo.url, 'main'), cache.fetch(repo.url, first), cache.fetch(repo.url, 'main')]);
    expect(results.map((r) => r.commit)).toEqual([second, first, second]);
  });

  it.each([
    ['a branch that does not exist', () => repo.url, 'nope', /has no branch or commit "nope"/],
    ['an unreachable repository', () => 'file:///nonexistent/ccp-repo', 'main', /cannot fetch main from file:\/\/\/nonexistent\/ccp-repo/],
  ])('fails with a GitError for %s', async (_name, url, ref, message) => {
    const cache = new RepoCache(cacheDir);
    const attempt = cache.fetch(url(), ref);
    await expect(attempt).rejects.toBeInstanceOf(GitError);
    await expect(cache.fetch(url(), ref)).rejects.toThrow(message);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IndexSourceError } from './errors';
import { isGitUrl, loadIndex } from './load';
import { loadIndexFromGit } from './load-git';
import { imageName } from './types';

const ENTRY = `Projects:
  - id: 1
    app-id: team
    job-id: app
    git-url: https://example.com/team/app.git
    git-branch: main
    git-path: /
    target-file: Dockerfile
    desired-tag: latest
    notify-email: team@example.com
    depends-on: null
`;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=ccp test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

describe('loading an index from git', () => {
  let root: string;
  let repo: string;
  let workDir: string;
  let head: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ccp-index-git-'));
    repo = path.join(root, 'container-index');
    workDir = path.join(root, 'work');
    await mkdir(path.join(repo, 'index.d'), { recursive: true });
    await mkdir(workDir);
    await writeFile(path.join(repo, 'index.d', 'team.yaml'), ENTRY);
    await writeFile(path.join(repo, 'index.d', 'index_template.yaml'), 'Projects: not even a list\n');
    git(repo, 'init', '--quiet', '--initial-branch', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'index');
    git(repo, 'checkout', '--quiet', '-b', 'staging');
    await writeFile(path.join(repo, 'index.d', 'team.yaml'), ENTRY.replace('job-id: app', 'job-id: app-next'));
    git(repo, 'commit', '--quiet', '-am', 'staging index');
    git(repo, 'checkout', '--quiet', 'main');
    head = git(repo, 'rev-parse', 'HEAD');
    git(root, 'clone', '--quiet', '--bare', repo, path.join(root, 'mirror.git'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('clones a file:// URL, reads index.d/ and says which commit it read', async () => {
    const index = await loadIndexFromGit(`file://${repo}`, 'main', workDir);
    expect(index.files).toEqual(['index.d/team.yaml']);
    expect(index.projects.map(imageName)).toEqual(['team/app:latest']);
    expect(index.projects[0]!.source).toEqual({ file: 'index.d/team.yaml', line: 2 });
    expect(index.errors).toEqual([]);
    expect(index.commit).toEqual(head);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('clones the branch asked for', async () => {
    const index = await loadIndex(`file://${repo}`, { branch: 'staging', workDir });
    expect(index.projects.map(imageName)).toEqual(['team/app-next:latest']);
  });

  it('clones the default branch without --branch, and a bare repository path ending in .git', async () => {
    const mirror = path.join(root, 'mirror.git');
    expect(isGitUrl(mirror)).toBe(true);
    const index = await loadIndex(mirror, { workDir });
    expect(index.projects.map(imageName)).toEqual(['team/app:latest']);
    expect(index.commit).toEqual(head);
  });

  it('reads a plain path to the checkout as a folder, without cloning', async () => {
    expect(isGitUrl(repo)).toBe(false);
    const index = await loadIndex(repo);
    expect(index.files).toEqual(['index.d/team.yaml']);
    expect(index.commit).toBeUndefined();
  });

  it('names the URL and branch when the branch does not exist, and cleans up', async () => {
    const url = `file://${repo}`;
    await expect(loadIndexFromGit(url, 'no-such-branch', workDir)).rejects.toThrow(
      new IndexSourceError(`${url} has no branch "no-such-branch"`, url, 'no-such-branch'),
    );
    expect(await readdir(workDir)).toEqual([]);
  });

  it('names the URL and branch when the repository cannot be reached', async () => {
    const url = 'http://127.0.0.1:9/nobody/index.git';
    const error = await loadIndexFromGit(url, 'main', workDir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IndexSourceError);
    expect(error).toMatchObject({ location: url, branch: 'main' });
    expect((error as Error).message).toMatch(/^cannot clone http:\/\/127\.0\.0\.1:9\/nobody\/index\.git \(branch main\): .*(connect|refused)/i);
    expect(await readdir(workDir)).toEqual([]);
  });
});

describe('isGitUrl', () => {
  it.each([
    ['https://github.com/CentOS/container-index', true],
    ['http://127.0.0.1:8080/index.git', true],
    ['git@github.com:CentOS/container-index.git', true],
    ['ssh://git@example.com/index', true],
    ['git://example.com/index', true],
    ['file:///srv/index', true],
    ['/srv/index.git', true],
    ['../index/container-index', false],
    ['/srv/index', false],
    ['index.d', false],
  ])('%s: %s', (location, expected) => {
    expect(isGitUrl(location)).toBe(expected);
  });
});

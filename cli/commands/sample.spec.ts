import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../../shared/git/run-git';
import { prepareSample } from './sample';

describe('prepareSample', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sample-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes a repository with the sample projects and an index pointing at it', async () => {
    const sample = await prepareSample(dir);
    const index = await readFile(path.join(sample.indexDir, 'index.d', 'sample.yaml'), 'utf8');
    expect(index).toContain(`git-url: "${sample.repoUrl}"`);
    expect(index).not.toContain('{{SAMPLE_REPO}}');
    const { stdout } = await runGit(['-C', path.join(dir, 'repo'), 'ls-tree', '-r', '--name-only', 'main']);
    expect(stdout.trim().split('\n')).toEqual([
      'base/Dockerfile',
      'base/make-rootfs.sh',
      'hello/Dockerfile',
      'webapp/.hadolint.yaml',
      'webapp/Dockerfile',
      'webapp/index.html',
    ]);
  });

  it('keeps the pre-build script executable', async () => {
    await prepareSample(dir);
    const { stdout } = await runGit(['-C', path.join(dir, 'repo'), 'ls-tree', 'main', 'base/make-rootfs.sh']);
    expect(stdout.split(' ')[0]).toEqual('100755');
  });

  it('keeps the same commit when run again without changes', async () => {
    const first = await prepareSample(dir);
    const second = await prepareSample(dir);
    expect(second.commit).toEqual(first.commit);
  });
});

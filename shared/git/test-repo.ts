import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from './run-git';

export interface TestRepo {
  dir: string;
  /** `file://` URL of the repository. */
  url: string;
  /** Writes files (path → content), commits them on the current branch, returns the commit SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
}

/**
 * A real git repository in a new temporary folder, on branch `branch`. Used by the tests and
 * by `npm start` to serve the sample projects; nothing in it is mocked.
 * @see https://git-scm.com/docs/git-init
 */
export async function createTestRepo(branch = 'master', parentDir?: string): Promise<TestRepo> {
  const dir = parentDir ? path.join(parentDir) : await mkdtemp(path.join(os.tmpdir(), 'ccp-repo-'));
  await mkdir(dir, { recursive: true });
  await runGit(['init', '--quiet', '--initial-branch', branch, dir]);
  const identity = ['-c', 'user.name=ccp', '-c', 'user.email=ccp@example.invalid', '-c', 'commit.gpgsign=false'];
  return {
    dir,
    url: `file://${dir}`,
    async commit(files, message = 'update') {
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(dir, file);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      await runGit(['-C', dir, 'add', '--all']);
      await runGit(['-C', dir, ...identity, 'commit', '--quiet', '--allow-empty', '-m', message]);
      const { stdout } = await runGit(['-C', dir, 'rev-parse', 'HEAD']);
      return stdout.trim();
    },
  };
}

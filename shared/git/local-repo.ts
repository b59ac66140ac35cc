import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from './run-git';

export interface LocalRepo {
  dir: string;
  /** `file://` URL of the repository. */
  url: string;
  /** Writes files (path → content), commits them on the current branch, returns the commit SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
}

/**
 * A real git repository in `dir` (a new temporary folder when absent) on branch `branch`.
 * The tests make their repositories with it, and `npm start` its sample projects' repository.
 * @see https://git-scm.com/docs/git-init
 */
export async function createLocalRepo(branch = 'master', dir?: string): Promise<LocalRepo> {
  const repoDir = path.resolve(dir ?? (await mkdtemp(path.join(os.tmpdir(), 'ccp-repo-'))));
  await mkdir(repoDir, { recursive: true });
  await runGit(['init', '--quiet', '--initial-branch', branch, repoDir]);
  const identity = ['-c', 'user.name=ccp', '-c', 'user.email=ccp@example.invalid', '-c', 'commit.gpgsign=false'];
  return {
    dir: repoDir,
    url: `file://${repoDir}`,
    async commit(files, message = 'update') {
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(repoDir, file);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      await runGit(['-C', repoDir, 'add', '--all']);
      await runGit(['-C', repoDir, ...identity, 'commit', '--quiet', '--allow-empty', '-m', message]);
      const { stdout } = await runGit(['-C', repoDir, 'rev-parse', 'HEAD']);
      return stdout.trim();
    },
  };
}

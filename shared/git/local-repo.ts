import { chmod, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from './run-git';

/** A file's text, or its text and whether it is executable (a pre-build script). */
export type FileContent = string | { content: string; executable: boolean };

export interface LocalRepo {
  dir: string;
  /** `file://` URL of the repository. */
  url: string;
  /** Writes files (path → content, or content and mode), commits them on the current branch (unless nothing changed), returns the head SHA. */
  commit(files: Record<string, FileContent>, message?: string): Promise<string>;
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
      for (const [name, content] of Object.entries(files)) {
        const target = path.join(repoDir, name);
        await mkdir(path.dirname(target), { recursive: true });
        const file = typeof content === 'string' ? { content, executable: false } : content;
        const mode = file.executable ? 0o755 : 0o644;
        await writeFile(target, file.content, { mode });
        await chmod(target, mode);
      }
      await runGit(['-C', repoDir, 'add', '--all']);
      const { stdout: status } = await runGit(['-C', repoDir, 'status', '--porcelain']);
      const { stdout: head } = await runGit(['-C', repoDir, 'rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => ({ stdout: '' }));
      // Committing nothing new keeps the head: a re-created sample does not look like a push.
      if (status.trim() === '' && head.trim() !== '') return head.trim();
      await runGit(['-C', repoDir, ...identity, 'commit', '--quiet', '--allow-empty', '-m', message]);
      const { stdout } = await runGit(['-C', repoDir, 'rev-parse', 'HEAD']);
      return stdout.trim();
    },
  };
}

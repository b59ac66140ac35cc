import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IndexSourceError } from './errors';
import { loadIndexFromDir } from './load-dir';
import type { LoadedIndex } from './types';

/**
 * Clones the index repository (`git clone --depth 1`, the given branch or the remote's default)
 * into a temporary folder under `workDir`, loads `index.d/` (or the root when it has none), and
 * removes the clone. Issue file names are relative to the repository root. Throws
 * {@link IndexSourceError} naming the URL and branch when the clone fails.
 * @see https://git-scm.com/docs/git-clone#Documentation/git-clone.txt---depthltdepthgt
 */
export async function loadIndexFromGit(url: string, branch?: string, workDir: string = os.tmpdir()): Promise<LoadedIndex> {
  const cloneDir = await mkdtemp(path.join(workDir, 'ccp-index-'));
  try {
    const branchArgs = branch ? ['--branch', branch] : [];
    try {
      await git(['clone', '--quiet', '--depth', '1', '--no-tags', '--single-branch', ...branchArgs, '--', url, cloneDir]);
    } catch (error) {
      throw cloneError(url, branch, error instanceof Error ? error.message : String(error));
    }
    const commit = (await git(['-C', cloneDir, 'rev-parse', 'HEAD'])).trim();
    return { ...(await loadIndexFromDir(cloneDir)), commit };
  } finally {
    await rm(cloneDir, { recursive: true, force: true });
  }
}

function cloneError(url: string, branch: string | undefined, detail: string): IndexSourceError {
  const on = branch ? ` (branch ${branch})` : '';
  if (branch && /Remote branch .* not found|couldn't find remote ref/i.test(detail)) {
    return new IndexSourceError(`${url} has no branch "${branch}"`, url, branch);
  }
  const reason = detail.split('\n').map((line) => line.trim()).filter(Boolean).slice(-1)[0] ?? 'git clone failed';
  return new IndexSourceError(`cannot clone ${url}${on}: ${reason}`, url, branch);
}

/** git without prompts or pagers, bounded in time, so a private or dead URL fails fast. */
function git(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true', GIT_PAGER: 'cat', LC_ALL: 'C' },
        encoding: 'utf8',
      },
      (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout)),
    );
  });
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitCommandError, runGit } from '../git/run-git';
import { IndexSourceError } from './errors';
import { loadIndexFromDir } from './load-dir';
import { indexLimitsFromEnv, type IndexLimits } from './limits';
import type { LoadedIndex } from './types';

/**
 * Clones the index repository (`git clone --depth 1`, the given branch or the remote's default)
 * into a temporary folder under `workDir`, loads `index.d/` (or the root when it has none), and
 * removes the clone. Issue file names are relative to the repository root. The clone is read
 * within `limits` exactly as a folder is (see {@link loadIndexFromDir}): an oversized file or a
 * link out of the clone is an error of that file. Throws {@link IndexSourceError} naming the
 * URL and branch when the clone fails.
 * @see https://git-scm.com/docs/git-clone#Documentation/git-clone.txt---depthltdepthgt
 */
export async function loadIndexFromGit(
  url: string,
  branch?: string,
  workDir: string = os.tmpdir(),
  limits: IndexLimits = indexLimitsFromEnv(),
): Promise<LoadedIndex> {
  await mkdir(workDir, { recursive: true });
  const cloneDir = await mkdtemp(path.join(workDir, 'ccp-index-'));
  try {
    const branchArgs = branch ? ['--branch', branch] : [];
    try {
      await runGit(['clone', '--quiet', '--depth', '1', '--no-tags', '--single-branch', ...branchArgs, '--', url, cloneDir]);
    } catch (error) {
      throw cloneError(url, branch, error instanceof GitCommandError ? error.stderr : String(error));
    }
    const commit = (await runGit(['-C', cloneDir, 'rev-parse', 'HEAD'])).stdout.trim();
    return { ...(await loadIndexFromDir(cloneDir, limits)), commit };
  } finally {
    await rm(cloneDir, { recursive: true, force: true });
  }
}

function cloneError(url: string, branch: string | undefined, detail: string): IndexSourceError {
  const on = branch ? ` (branch ${branch})` : '';
  if (branch && /Remote branch .* not found|couldn't find remote ref/i.test(detail)) {
    return new IndexSourceError(`${url} has no branch "${branch}"`, url, branch);
  }
  const reason =
    detail
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(-1)[0] ?? 'git clone failed';
  return new IndexSourceError(`cannot clone ${url}${on}: ${reason}`, url, branch);
}

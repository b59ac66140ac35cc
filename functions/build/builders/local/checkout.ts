import { mkdir } from 'node:fs/promises';
import { GitCommandError, runGit } from '../../../../shared/git/run-git';
import { redact } from '../../../../shared/redact/redact';
import { StepFailure } from './step-runner';

const COMMIT = /^[0-9a-f]{7,64}$/i;

/**
 * A shallow checkout of exactly one commit into `dir` (`git init`, `git fetch --depth 1 <url>
 * <sha>`, `git checkout FETCH_HEAD`): no history, no tags, nothing else of the repository.
 * An unreachable URL or a commit the server does not have fails the step with git's words.
 * @see https://git-scm.com/docs/git-fetch#Documentation/git-fetch.txt---depthltdepthgt
 */
export async function checkout(url: string, commit: string, dir: string, timeoutMs: number, write: (text: string) => void): Promise<void> {
  if (!COMMIT.test(commit)) throw new StepFailure(`commit "${commit}" is not a commit SHA`);
  await mkdir(dir, { recursive: true });
  const git = async (args: string[]): Promise<void> => {
    try {
      const { stderr } = await runGit(args, { cwd: dir, timeoutMs });
      if (stderr.trim()) write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      write(error.stderr.endsWith('\n') ? error.stderr : `${error.stderr}\n`);
      const lines = error.stderr.trim().split('\n').filter(Boolean);
      // git's first `fatal:` line says what went wrong; the lines after it are advice.
      const words = lines.find((line) => line.startsWith('fatal:')) ?? lines.pop() ?? `exit ${error.exitCode}`;
      throw new StepFailure(`git ${args[0]} of ${redact(url, [])} at ${commit} failed: ${words}`);
    }
  };
  await git(['init', '-q', '.']);
  await git(['fetch', '-q', '--depth', '1', '--no-tags', '--end-of-options', url, commit]);
  await git(['checkout', '-q', 'FETCH_HEAD']);
}

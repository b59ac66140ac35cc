import { execFile } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** Thrown by {@link runGit} with git's own words; callers turn it into a GitError with context. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim().split('\n').slice(-3).join(' ') || `exit ${exitCode}`}`);
  }
}

/**
 * Runs git without a terminal: no credential prompts, no pager, bounded in time, so an
 * unreachable or private repository fails fast instead of hanging a function.
 * @see https://git-scm.com/docs/git#_environment_variables
 */
export async function runGit(args: string[], options: GitOptions = {}): Promise<GitResult> {
  const { stdout, stderr } = await runGitBuffer(args, options);
  return { stdout: stdout.toString('utf8'), stderr };
}

export interface GitOptions {
  cwd?: string;
  timeoutMs?: number;
}

/** {@link runGit} for binary output, e.g. `git cat-file blob`. */
export function runGitBuffer(args: string[], options: GitOptions = {}): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true', GIT_PAGER: 'cat', LC_ALL: 'C' },
        encoding: 'buffer',
      },
      (error, stdout, stderr) => {
        const errorText = stderr.toString('utf8');
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new GitCommandError(args, errorText || error.message, code));
          return;
        }
        resolve({ stdout, stderr: errorText });
      },
    );
  });
}

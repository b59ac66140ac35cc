import { runCaptured } from '../process/run-process';

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
  /** Kills git (and its helpers) when aborted. */
  signal?: AbortSignal;
  /** Written to git's stdin, e.g. the object names of `git cat-file --batch`. */
  input?: string;
}

/** {@link runGit} for binary output, e.g. `git cat-file blob`. Through the service's one process runner: time limit, abort, tree kill, output bound. */
export async function runGitBuffer(args: string[], options: GitOptions = {}): Promise<{ stdout: Buffer; stderr: string }> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const result = await runCaptured('git', args, {
    cwd: options.cwd,
    timeoutMs,
    maxBytes: 64 * 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true', GIT_PAGER: 'cat', LC_ALL: 'C' },
  });
  const stderr = result.stderr.toString('utf8');
  if (result.spawnError) throw new GitCommandError(args, result.spawnError, null);
  if (result.truncated) throw new GitCommandError(args, `${stderr}\noutput over 64 MiB; stopped`, null);
  if (result.timedOut) throw new GitCommandError(args, `${stderr}\nno answer within ${timeoutMs} ms; stopped with what it started`, null);
  if (result.aborted) throw new GitCommandError(args, `${stderr}\nstopped: the work it was for was aborted`, null);
  if (result.exitCode !== 0) throw new GitCommandError(args, stderr || `killed by ${result.signal ?? 'a signal'}`, result.exitCode);
  return { stdout: result.stdout, stderr };
}

import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { GitError } from './errors';
import { GitCommandError, runGit, runGitBuffer } from './run-git';

const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * Bare repositories cached under one folder, one per URL, fetched shallowly by commit or
 * branch. Reading a file at a commit needs no work tree, so linting never checks out a repo.
 * Fetches into one repository are serialised: git's shallow file does not take concurrent writers.
 */
export class RepoCache {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly rootDir: string) {}

  /**
   * Fetches `ref` (a branch name or a full commit SHA) from `url` and returns the commit SHA.
   * @see https://git-scm.com/docs/git-fetch#Documentation/git-fetch.txt---depthltdepthgt
   */
  async fetch(url: string, ref: string): Promise<{ commit: string; gitDir: string }> {
    const gitDir = this.dirFor(url);
    return this.serialised(gitDir, async () => {
      await this.ensureRepo(gitDir);
      const refspec = FULL_SHA.test(ref) ? ref : `refs/heads/${ref}`;
      try {
        // An index's git-url may start with '-' (`-o@host:x` passes its check): never an option of git.
        await runGit(['--git-dir', gitDir, 'fetch', '--quiet', '--depth', '1', '--no-tags', '--end-of-options', url, refspec]);
      } catch (error) {
        throw toGitError(error, url, ref);
      }
      const { stdout } = await runGit(['--git-dir', gitDir, 'rev-parse', 'FETCH_HEAD^{commit}']);
      return { commit: stdout.trim(), gitDir };
    });
  }

  /**
   * The content of `filePath` (relative to the repository root) at `commit`, or `null` when the
   * commit has no such file. The commit must have been fetched with {@link fetch}.
   * @see https://git-scm.com/docs/git-show
   */
  async readFile(url: string, commit: string, filePath: string): Promise<Buffer | null> {
    const gitDir = this.dirFor(url);
    const spec = `${commit}:${filePath.replace(/^\.?\//, '')}`;
    try {
      const { stdout } = await runGit(['--git-dir', gitDir, 'cat-file', '-t', spec]);
      if (stdout.trim() !== 'blob') return null;
    } catch {
      return null;
    }
    const { stdout } = await runGitBuffer(['--git-dir', gitDir, 'cat-file', 'blob', spec]);
    return stdout;
  }

  private dirFor(url: string): string {
    const slug = url
      .replace(/^[a-z+]+:\/\//i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .slice(-60);
    const hash = createHash('sha256').update(url).digest('hex').slice(0, 12);
    return path.join(this.rootDir, `${slug}-${hash}.git`);
  }

  private async ensureRepo(gitDir: string): Promise<void> {
    const exists = await stat(path.join(gitDir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (exists) return;
    await mkdir(gitDir, { recursive: true });
    await runGit(['init', '--quiet', '--bare', gitDir]);
  }

  private async serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }
}

function toGitError(error: unknown, url: string, ref: string): GitError {
  const detail = error instanceof GitCommandError ? error.stderr.trim().split('\n').slice(-2).join(' ') : String(error);
  if (/couldn't find remote ref|not our ref|no such ref|unadvertised object/i.test(detail)) {
    return new GitError(`${url} has no branch or commit "${ref}"`, url, ref);
  }
  return new GitError(`cannot fetch ${ref} from ${url}: ${detail}`, url, ref);
}

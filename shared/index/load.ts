import os from 'node:os';
import { loadIndexFromDir } from './load-dir';
import { loadIndexFromGit } from './load-git';
import { indexLimitsFromEnv, type IndexLimits } from './limits';
import type { LoadedIndex } from './types';

export interface LoadIndexOptions {
  /** Branch to clone when `location` is a git URL; the remote's default branch otherwise. */
  branch?: string;
  /** Where a git clone is made (and removed afterwards); the system's temp folder by default. */
  workDir?: string;
  /** How much is read (`Config.indexLimits`); the `CCP_INDEX_MAX_*` variables or defaults when not given. */
  limits?: IndexLimits;
}

/**
 * Whether `location` names a git repository rather than a folder: an `http(s)://`, `ssh://`,
 * `git://` or `file://` URL, scp-like `user@host:path`, or anything ending in `.git`.
 * @see https://git-scm.com/docs/git-clone#_git_urls
 */
export function isGitUrl(location: string): boolean {
  return /^(?:https?|ssh|git|file):\/\//i.test(location) || /^[\w.-]+@[\w.-]+:/.test(location) || /\.git\/?$/i.test(location);
}

/**
 * Loads and checks an index from a folder (`*.yaml` files, or a folder holding `index.d/`) or
 * from a git URL and branch. See {@link loadIndexFromDir} and {@link loadIndexFromGit}.
 * @see https://github.com/CentOS/container-index
 */
export function loadIndex(location: string, options: LoadIndexOptions = {}): Promise<LoadedIndex> {
  const limits = options.limits ?? indexLimitsFromEnv();
  return isGitUrl(location) ? loadIndexFromGit(location, options.branch, options.workDir ?? os.tmpdir(), limits) : loadIndexFromDir(location, limits);
}

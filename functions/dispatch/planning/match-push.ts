import type { GitPushData } from '../../../shared/events/types';
import { resolveProjectPaths } from '../../../shared/index/paths';
import type { ProjectEntry } from '../../../shared/index/types';
import { normalizeRepoUrl } from '../../../shared/webhooks/normalize-repo-url';

/** Whether `file` (from the repository root) is `folder` or inside it; `.` holds everything. */
function inside(file: string, folder: string): boolean {
  const clean = file.replace(/^\/+/, '');
  return folder === '.' || clean === folder || clean.startsWith(`${folder}/`);
}

/** The folders whose change rebuilds `entry`: Dockerfile folder, build context, prebuild folder. */
export function watchedFolders(entry: ProjectEntry): string[] {
  const paths = resolveProjectPaths(entry);
  return [paths.gitPath, paths.contextDir, ...(paths.prebuildDir ? [paths.prebuildDir] : []), paths.dockerfile];
}

/**
 * The projects a push rebuilds: same repository (https, ssh, `git@` and `.git` forms are one),
 * same branch, and, when the push lists the files it changed, one of them under the project's
 * `git-path`, build context or `prebuild-context`. A push without a list rebuilds every
 * project of the branch.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function projectsForPush(push: Pick<GitPushData, 'repoUrl' | 'branch' | 'changedPaths'>, projects: readonly ProjectEntry[]): ProjectEntry[] {
  const repo = normalizeRepoUrl(push.repoUrl);
  if (!repo) return [];
  return projects.filter((entry) => {
    if (entry.gitBranch !== push.branch || normalizeRepoUrl(entry.gitUrl) !== repo) return false;
    if (!push.changedPaths) return true;
    const folders = watchedFolders(entry);
    return push.changedPaths.some((file) => folders.some((folder) => inside(file, folder)));
  });
}

/** Whether the push is to `location` (a git URL) on `branch` (any branch when absent). */
export function isPushTo(push: Pick<GitPushData, 'repoUrl' | 'branch'>, location: string, branch: string | undefined): boolean {
  const repo = normalizeRepoUrl(push.repoUrl);
  return repo !== null && repo === normalizeRepoUrl(location) && (branch === undefined || branch === push.branch);
}

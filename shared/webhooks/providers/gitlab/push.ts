import type { Issue } from '../../../errors/validation-error';
import type { GitPushData } from '../../../events/types';
import { branchOfRef, firstString, isZeroCommit, notABranchReason, pathsOfCommits, requiredString, stringAt, throwIfIssues, valueAt } from '../../payload';
import type { WebhookOutcome } from '../../types';

/** GitLab lists at most 20 commits of a push; `total_commits_count` says how many there were. */
export const GITLAB_LISTED_COMMITS_CAP = 20;

/** Where a push payload names its project, the HTTP clone URL first (`repository.*` is the older form). */
export const GITLAB_REPO_URL_FIELDS = [
  'project.git_http_url',
  'project.git_ssh_url',
  'project.web_url',
  'project.http_url',
  'project.ssh_url',
  'repository.git_http_url',
  'repository.git_ssh_url',
  'repository.homepage',
  'repository.url',
] as const;

/**
 * What a GitLab push payload (a `Push Hook` body, or the data of Knative's
 * `dev.knative.sources.gitlab.push`) asks for: a git push of a branch, or nothing for a tag or
 * a branch deletion (`checkout_sha` null, `after` all zeros). Throws a ValidationError naming
 * each missing field.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
 */
export function gitlabPushOutcome(payload: unknown): WebhookOutcome {
  const issues: Issue[] = [];
  const ref = requiredString(payload, 'ref', issues);
  const repoUrl = firstString(payload, GITLAB_REPO_URL_FIELDS, issues);
  throwIfIssues('GitLab push payload', issues);
  const checkoutSha = stringAt(payload, 'checkout_sha');
  const after = stringAt(payload, 'after');
  if (isZeroCommit(after) || isZeroCommit(checkoutSha)) return { kind: 'ignored', reason: `branch deletion (${ref})` };
  const branch = branchOfRef(ref);
  if (branch === null) return { kind: 'ignored', reason: notABranchReason(ref) };
  const commit = firstString(payload, ['checkout_sha', 'after'], issues);
  const changedPaths = gitlabChangedPaths(payload, issues);
  throwIfIssues('GitLab push payload', issues);
  const data: GitPushData = { repoUrl, branch, commit };
  if (changedPaths) data.changedPaths = changedPaths;
  return { kind: 'push', data };
}

/**
 * The files the push touched, or undefined when the payload cannot tell them all: no commits
 * listed, or fewer listed than `total_commits_count` (or the cap reached without that count).
 */
function gitlabChangedPaths(payload: unknown, issues: Issue[]): string[] | undefined {
  const commits = valueAt(payload, 'commits');
  if (commits === undefined || commits === null) return undefined;
  if (!Array.isArray(commits)) {
    issues.push({ field: 'commits', message: 'must be a list' });
    return undefined;
  }
  const total = valueAt(payload, 'total_commits_count');
  const cutShort = typeof total === 'number' ? total > commits.length : commits.length >= GITLAB_LISTED_COMMITS_CAP;
  const paths = pathsOfCommits(commits, 'commits', issues);
  return commits.length === 0 || cutShort ? undefined : paths;
}

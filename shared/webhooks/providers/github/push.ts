import type { Issue } from '../../../errors/validation-error';
import type { GitPushData } from '../../../events/types';
import { branchOfRef, firstString, isZeroCommit, notABranchReason, pathsOfCommits, requiredString, stringAt, throwIfIssues, valueAt } from '../../payload';
import type { WebhookOutcome } from '../../types';

/**
 * GitHub timeline events list at most 20 commits (`size` says how many there were); webhook
 * deliveries carry no `size`, so a list of 20 or more may be cut short: the changed paths are
 * then unknown and the dispatcher rebuilds every project of the branch.
 */
export const GITHUB_LISTED_COMMITS_CAP = 20;

/** Where a push payload names its repository, the clone URL first. */
export const GITHUB_REPO_URL_FIELDS = ['repository.clone_url', 'repository.html_url', 'repository.ssh_url', 'repository.git_url', 'repository.url'] as const;

/**
 * What a GitHub `push` payload (a webhook body, or the data of Knative's
 * `dev.knative.source.github.push`) asks for: a git push of a branch, or nothing for a tag or a
 * branch deletion. Throws a ValidationError naming each missing field.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function githubPushOutcome(payload: unknown): WebhookOutcome {
  const issues: Issue[] = [];
  const ref = requiredString(payload, 'ref', issues);
  const repoUrl = firstString(payload, GITHUB_REPO_URL_FIELDS, issues);
  const after = stringAt(payload, 'after');
  throwIfIssues('GitHub push payload', issues);
  if (valueAt(payload, 'deleted') === true || isZeroCommit(after)) return { kind: 'ignored', reason: `branch deletion (${ref})` };
  const branch = branchOfRef(ref);
  if (branch === null) return { kind: 'ignored', reason: notABranchReason(ref) };
  const commit = requiredString(payload, 'after', issues);
  const changedPaths = githubChangedPaths(payload, issues);
  throwIfIssues('GitHub push payload', issues);
  const data: GitPushData = { repoUrl, branch, commit };
  if (changedPaths) data.changedPaths = changedPaths;
  return { kind: 'push', data };
}

/**
 * The files the push touched, or undefined when the payload cannot tell them all: no commits
 * listed, a list cut short (`size` above its length, or at the cap), a forced push (commits
 * left the branch) or a new branch (its files were never built from it).
 */
function githubChangedPaths(payload: unknown, issues: Issue[]): string[] | undefined {
  const commits = valueAt(payload, 'commits');
  if (commits === undefined || commits === null) return undefined;
  if (!Array.isArray(commits)) {
    issues.push({ field: 'commits', message: 'must be a list' });
    return undefined;
  }
  const size = valueAt(payload, 'size');
  const cutShort = typeof size === 'number' ? size > commits.length : commits.length >= GITHUB_LISTED_COMMITS_CAP;
  const paths = pathsOfCommits(commits, 'commits', issues);
  if (commits.length === 0 || cutShort || valueAt(payload, 'forced') === true || valueAt(payload, 'created') === true) return undefined;
  return paths;
}

import { isPlainObject } from '../../../events/schema';
import type { Issue } from '../../../errors/validation-error';
import type { GitPushData } from '../../../events/types';
import { normalizeRepoUrl } from '../../normalize-repo-url';
import { branchOfRef, notABranchReason, requiredString, throwIfIssues, valueAt } from '../../payload';
import type { WebhookOutcome } from '../../types';

const COMMIT = /^[0-9a-f]{7,64}$/i;

/**
 * What the generic webhook's JSON `{repoUrl, branch, commit, changedPaths?}` asks for: a push
 * of `branch` (a bare name or `refs/heads/<name>`; a tag ref is ignored). `changedPaths` absent
 * means "unknown": the dispatcher rebuilds every project of the branch. Throws a
 * ValidationError naming each bad field.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#event-data
 */
export function genericPushOutcome(payload: unknown): WebhookOutcome {
  const issues: Issue[] = [];
  const repoUrl = requiredString(payload, 'repoUrl', issues);
  if (repoUrl !== '' && normalizeRepoUrl(repoUrl) === null) issues.push({ field: 'repoUrl', message: `"${repoUrl}" is not a git repository URL` });
  const branchOrRef = requiredString(payload, 'branch', issues);
  const commit = requiredString(payload, 'commit', issues);
  if (commit !== '' && !COMMIT.test(commit)) issues.push({ field: 'commit', message: 'must be a commit id (7 to 64 hex digits)' });
  const changedPaths = valueAt(payload, 'changedPaths');
  if (changedPaths !== undefined && (!Array.isArray(changedPaths) || changedPaths.some((item) => typeof item !== 'string' || item === ''))) {
    issues.push({ field: 'changedPaths', message: 'must be a list of paths' });
  }
  if (isPlainObject(payload)) {
    const unknown = Object.keys(payload).filter((key) => !['repoUrl', 'branch', 'commit', 'changedPaths'].includes(key));
    unknown.forEach((key) => issues.push({ field: key, message: 'is not a field of the generic push (repoUrl, branch, commit, changedPaths)' }));
  }
  throwIfIssues('generic push', issues);
  const branch = branchOrRef.startsWith('refs/') ? branchOfRef(branchOrRef) : branchOrRef;
  if (branch === null) return { kind: 'ignored', reason: notABranchReason(branchOrRef) };
  const data: GitPushData = { repoUrl, branch, commit };
  if (Array.isArray(changedPaths)) data.changedPaths = [...new Set(changedPaths as string[])].sort();
  return { kind: 'push', data };
}

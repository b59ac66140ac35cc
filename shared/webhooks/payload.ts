import { ValidationError, type Issue } from '../errors/validation-error';
import { isPlainObject } from '../events/schema';
import type { WebhookRequest } from './types';

/** All zeros: the `after` of a push that deleted its branch (GitHub and GitLab alike). */
const ZERO_SHA = /^0+$/;

/**
 * The JSON object of a webhook body, read from the raw bytes. When `formField` is given and the
 * body is `application/x-www-form-urlencoded` (GitHub's other content type), the JSON is that
 * form field. Throws a {@link ValidationError} (HTTP 400) for anything that is not a JSON object.
 * @see https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks#content-type
 */
export function readJsonObject(request: WebhookRequest, formField?: string): Record<string, unknown> {
  const contentType = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  let text = request.body.toString('utf8');
  if (formField && contentType === 'application/x-www-form-urlencoded') {
    const field = new URLSearchParams(text).get(formField);
    if (field === null) throw new ValidationError('malformed webhook body', [{ field: formField, message: 'the form has no such field' }]);
    text = field;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('malformed webhook body', [{ field: 'body', message: `is not JSON: ${(error as Error).message}` }]);
  }
  if (!isPlainObject(parsed)) throw new ValidationError('malformed webhook body', [{ field: 'body', message: 'must be a JSON object' }]);
  return parsed;
}

/** The value at a dotted `path` of `payload`, or undefined. */
export function valueAt(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (!isPlainObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** The non-empty string at `path`, or undefined. */
export function stringAt(payload: unknown, path: string): string | undefined {
  const value = valueAt(payload, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The non-empty string at `path`; records an issue naming the field when there is none. */
export function requiredString(payload: unknown, path: string, issues: Issue[]): string {
  const value = stringAt(payload, path);
  if (value === undefined) issues.push({ field: path, message: 'must be a non-empty string' });
  return value ?? '';
}

/** The first non-empty string among `paths`; records one issue naming them all when none has one. */
export function firstString(payload: unknown, paths: readonly string[], issues: Issue[]): string {
  for (const path of paths) {
    const value = stringAt(payload, path);
    if (value !== undefined) return value;
  }
  issues.push({ field: paths[0]!, message: `is required (or ${paths.slice(1).join(', ')})` });
  return '';
}

/** Every non-empty string found at `paths`, in order, without repeats. */
export function stringsAt(payload: unknown, paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => stringAt(payload, path)).filter((value): value is string => value !== undefined))];
}

/** True for the all-zero commit id that a branch deletion carries as its new head. */
export function isZeroCommit(commit: string | undefined): boolean {
  return commit !== undefined && ZERO_SHA.test(commit);
}

/** `refs/heads/<branch>` → `<branch>`; `null` for tags and other refs. */
export function branchOfRef(ref: string): string | null {
  return ref.startsWith('refs/heads/') && ref.length > 'refs/heads/'.length ? ref.slice('refs/heads/'.length) : null;
}

/** Why a ref that is no branch is ignored: "tag push" or "ref … is not a branch". */
export function notABranchReason(ref: string): string {
  return ref.startsWith('refs/tags/') ? `tag push (${ref})` : `ref ${ref} is not a branch`;
}

/**
 * The files touched by the listed commits (`added`, `modified`, `removed` of each), without
 * repeats and sorted; records an issue for a commit list or path list of the wrong shape.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function pathsOfCommits(commits: unknown[], field: string, issues: Issue[]): string[] {
  const paths = new Set<string>();
  commits.forEach((commit, index) => {
    if (!isPlainObject(commit)) {
      issues.push({ field: `${field}[${index}]`, message: 'must be an object' });
      return;
    }
    for (const list of ['added', 'modified', 'removed'] as const) {
      const value = commit[list];
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
        issues.push({ field: `${field}[${index}].${list}`, message: 'must be a list of paths' });
        continue;
      }
      (value as string[]).forEach((item) => paths.add(item));
    }
  });
  return [...paths].sort();
}

/** Throws the {@link ValidationError} of a push payload when `issues` holds any. */
export function throwIfIssues(what: string, issues: Issue[]): void {
  if (issues.length > 0) throw new ValidationError(`malformed ${what}`, issues);
}

/** A request header's trimmed value (the first when repeated); undefined when absent or blank. */
export function headerValue(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

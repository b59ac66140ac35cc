import type { ProjectRef } from '../../shared/index/types';
import { buildRecordKey, buildRecordsPrefix } from '../../shared/store/keys';
import { cascadeKey } from '../../shared/cascade/keys';

/**
 * The dashboard's URLs, built and parsed in one place. A project is
 * `/projects/<app-id>/<job-id>/<tag>` (a job id may hold `/`, as in the store's keys), its build
 * log `…/builds/<build-id>/log` and the log's live stream `…/builds/<build-id>/log/stream`.
 */

const encodePath = (value: string): string => value.split('/').map(encodeURIComponent).join('/');

/** `/projects/<app-id>/<job-id>/<tag>`. */
export function projectPath(ref: ProjectRef): string {
  return `/projects/${encodeURIComponent(ref.appId)}/${encodePath(ref.jobId)}/${encodeURIComponent(ref.desiredTag)}`;
}

/** `/projects/<app-id>/<job-id>/<tag>/builds/<build-id>/log`: the build log page. */
export function buildLogPath(ref: ProjectRef, buildId: string): string {
  return `${projectPath(ref)}/builds/${encodeURIComponent(buildId)}/log`;
}

/** The Server-Sent Events stream of a build log. */
export function buildLogStreamPath(ref: ProjectRef, buildId: string): string {
  return `${buildLogPath(ref, buildId)}/stream`;
}

/** `/cascades/<id>`. */
export function cascadePath(id: string): string {
  return `/cascades/${encodeURIComponent(id)}`;
}

/** What a path under `/projects/` names. */
export type ProjectTarget =
  { kind: 'project'; ref: ProjectRef } | { kind: 'log'; ref: ProjectRef; buildId: string } | { kind: 'stream'; ref: ProjectRef; buildId: string };

/**
 * Every reading of the path after `/projects/` that names a valid project (and build), most
 * specific first: `app/a/x/builds/y/log` is the log of build `y` of `app/a:x`, or the project
 * `app/a/x/builds/y:log`; the caller keeps the first whose project is in the index.
 * A segment that is not a key segment of the store (`..`, empty, a space…) makes a reading
 * invalid, so no URL reaches the store with a key it did not build. `null`: a malformed
 * percent-encoding.
 * @see ../../shared/store/keys.ts
 */
export function projectTargets(rawRest: string): ProjectTarget[] | null {
  let segments: string[];
  try {
    segments = rawRest.split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  const targets: ProjectTarget[] = [];
  const refOf = (parts: string[]): ProjectRef | null => {
    if (parts.length < 3) return null;
    const ref = { appId: parts[0]!, jobId: parts.slice(1, -1).join('/'), desiredTag: parts[parts.length - 1]! };
    return validKey(() => buildRecordsPrefix(ref)) ? ref : null;
  };
  const n = segments.length;
  if (n >= 7 && segments[n - 4] === 'builds' && segments[n - 2] === 'log' && segments[n - 1] === 'stream') {
    const ref = refOf(segments.slice(0, n - 4));
    const buildId = segments[n - 3]!;
    if (ref && validKey(() => buildRecordKey(ref, buildId))) targets.push({ kind: 'stream', ref, buildId });
  }
  if (n >= 6 && segments[n - 3] === 'builds' && segments[n - 1] === 'log') {
    const ref = refOf(segments.slice(0, n - 3));
    const buildId = segments[n - 2]!;
    if (ref && validKey(() => buildRecordKey(ref, buildId))) targets.push({ kind: 'log', ref, buildId });
  }
  const whole = refOf(segments);
  if (whole) targets.push({ kind: 'project', ref: whole });
  return targets;
}

/** Whether `id` may name a cascade record (`state/cascades/<id>.json`, one key segment). */
export function isCascadeId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(id) && validKey(() => cascadeKey(id));
}

function validKey(make: () => string): boolean {
  try {
    make();
    return true;
  } catch {
    return false;
  }
}

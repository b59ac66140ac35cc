import type { CloudEvent } from 'cloudevents';
import { ValidationError, type Issue } from '../errors/validation-error';
import { imageName, parseImageName } from '../index/types';
import { arrayOf, bool, isoTime, num, object, oneOf, optional, recordOf, str, type Check } from './schema';
import { BUILD_CAUSE_KINDS, EventTypes, ForeignEventTypes, type EventDataMap } from './types';

const projectRef = object({ appId: str, jobId: str, desiredTag: str });

const projectEntry = object({
  id: num,
  appId: str,
  jobId: str,
  gitUrl: str,
  gitBranch: str,
  gitPath: (value, path, issues) => {
    if (typeof value !== 'string') issues.push({ field: path, message: 'must be a string' });
  },
  targetFile: str,
  desiredTag: str,
  notifyEmail: arrayOf(str),
  buildContext: str,
  prebuildScript: optional(str),
  prebuildContext: optional(str),
  dependsOn: arrayOf(str),
});

const packageChange = object({ name: str, from: str, to: str, repo: optional(str) });

const cause = object({
  kind: oneOf(BUILD_CAUSE_KINDS),
  message: str,
  commit: optional(str),
  branch: optional(str),
  repoUrl: optional(str),
  parent: optional(str),
  packages: optional(arrayOf(packageChange)),
  cascade: optional(str),
});

const counts = object({ error: num, warning: num, info: num, style: num });
const imageRef = object({ ref: str, digest: optional(str) });

/** `app-id/job-id:tag`, as `imageName` writes it (the tag spelled out). */
const indexImage: Check = (value, path, issues) => {
  const ref = typeof value === 'string' ? parseImageName(value) : null;
  if (!ref || imageName(ref) !== value) issues.push({ field: path, message: 'must be an index image name app-id/job-id:tag' });
};

/** The `data` contract of each type; the keys are every type the service understands. */
const DATA_SCHEMAS: { [T in keyof EventDataMap]: Check } = {
  [EventTypes.gitPush]: object({ repoUrl: str, branch: str, commit: str, changedPaths: optional(arrayOf(str)) }),
  [EventTypes.indexChanged]: object({
    commit: optional(str),
    added: arrayOf(projectEntry),
    changed: arrayOf(projectEntry),
    removed: arrayOf(projectRef),
  }),
  [EventTypes.buildRequested]: object({
    project: projectRef,
    entry: optional(projectEntry),
    commit: optional(str),
    buildId: optional(str),
    cause,
    causeChain: optional(arrayOf(cause)),
  }),
  [EventTypes.lintCompleted]: object({
    buildId: str,
    project: projectRef,
    entry: projectEntry,
    commit: optional(str),
    verdict: oneOf(['passed', 'failed', 'error']),
    blocking: bool,
    failureThreshold: str,
    counts,
    reason: optional(str),
    reports: object({ json: str, sarif: str }),
    cause,
    causeChain: arrayOf(cause),
    baseImages: optional(arrayOf(indexImage)),
  }),
  [EventTypes.buildCompleted]: object({
    buildId: str,
    project: projectRef,
    entry: projectEntry,
    commit: optional(str),
    status: oneOf(['succeeded', 'failed']),
    reason: optional(str),
    image: optional(imageRef),
    reports: object({ log: str, lint: optional(str) }),
    timings: object({ startedAt: isoTime, finishedAt: isoTime, durationMs: num }),
    cause,
    causeChain: arrayOf(cause),
    baseImages: optional(arrayOf(indexImage)),
    replaces: optional(arrayOf(object({ buildId: str, cascade: str }))),
  }),
  [EventTypes.imagePushed]: object({ repository: str, tag: optional(str), digest: str, mediaType: optional(str), registry: optional(str) }),
  [EventTypes.scanRequested]: object({
    project: projectRef,
    image: imageRef,
    reason: oneOf(['build', 'weekly', 'manual']),
    buildId: optional(str),
  }),
  [EventTypes.scanCompleted]: object({
    project: projectRef,
    image: imageRef,
    buildId: optional(str),
    scanners: recordOf(object({ status: oneOf(['ok', 'failed', 'skipped']), findings: num, reason: optional(str) })),
    reports: object({ json: str, html: str, sbom: str }),
  }),
  [EventTypes.rpmRepoChanged]: object({
    repo: object({ key: str, url: str, name: optional(str) }),
    previousRevision: optional(str),
    revision: str,
    added: arrayOf(str),
    updated: arrayOf(packageChange),
    removed: arrayOf(str),
  }),
  [EventTypes.tickWeekly]: (value, path, issues) => {
    if (value === undefined || value === null) return;
    object({ tick: optional(str), offset: optional(num), notBefore: optional(isoTime) })(value, path, issues);
  },
  [EventTypes.tickRepoPoll]: () => undefined,
  [EventTypes.noticeRequested]: object({
    cascade: str,
    cause,
    origin: optional(projectRef),
    items: arrayOf(
      object({
        project: projectRef,
        entry: optional(projectEntry),
        outcome: oneOf(['succeeded', 'failed', 'skipped']),
        buildId: optional(str),
        reason: optional(str),
        blockedBy: optional(str),
        image: optional(imageRef),
        reports: optional(object({ log: optional(str), lint: optional(str) })),
      }),
    ),
  }),
};

/** Foreign types are accepted with any object payload; their handlers read what they need. */
const FOREIGN_TYPES: readonly string[] = Object.values(ForeignEventTypes);

/** Every type the service accepts. */
export const KNOWN_TYPES: readonly string[] = [...Object.keys(DATA_SCHEMAS), ...FOREIGN_TYPES];

/** True when `event` is of `type`, with the data type narrowed; does not validate the data. */
export function isEventOfType<T extends keyof EventDataMap>(
  event: CloudEvent<unknown>,
  type: T,
): event is CloudEvent<EventDataMap[T]> {
  return event.type === type;
}

/**
 * Checks an incoming event against the contract: known type, required attributes, and the data
 * shape of its type. Throws a {@link ValidationError} with every problem (HTTP 400 at the edge).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function validateEvent(event: CloudEvent<unknown>): void {
  const issues: Issue[] = [];
  for (const attribute of ['id', 'source', 'type', 'specversion'] as const) {
    const value = event[attribute];
    if (typeof value !== 'string' || value === '') issues.push({ field: attribute, message: 'is required' });
  }
  const schema = (DATA_SCHEMAS as Record<string, Check>)[event.type];
  if (schema) {
    schema(parseData(event.data), 'data', issues);
  } else if (!FOREIGN_TYPES.includes(event.type)) {
    issues.push({ field: 'type', message: `unknown event type "${event.type}"` });
  }
  if (issues.length > 0) throw new ValidationError(`invalid ${event.type || 'event'} event ${event.id ?? ''}`.trim(), issues);
}

/** Event data as an object: structured-mode JSON arrives parsed, some transports leave a string. */
export function parseData(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      return data;
    }
  }
  if (Buffer.isBuffer(data)) return parseData(data.toString('utf8'));
  return data;
}

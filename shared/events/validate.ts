import type { CloudEvent } from 'cloudevents';
import { ValidationError, type Issue } from '../errors/validation-error';
import { imageName, parseImageName } from '../index/types';
import { arrayOf, bool, isoTime, num, object, oneOf, optional, recordOf, str, type Check } from './schema';
import { BUILD_CAUSE_KINDS, EventTypes, ForeignEventTypes, type EventDataMap } from './types';

/** Largest cause message: 4 KiB, far above any the pipeline writes (a deep cascade's chained "because" included). */
export const MAX_MESSAGE_CHARS = 4096;
/** Largest reason (a failed build, lint or scanner): 16 KiB, room for a tool's error output. */
export const MAX_REASON_CHARS = 16 * 1024;
/** Largest reference or digest: an image reference is at most 255 + 128 + 71 characters. */
export const MAX_REF_CHARS = 1024;
/** Largest event data, serialized: the HTTP doors' body limit (1 MiB), for events emitted in-process too. */
export const MAX_EVENT_DATA_BYTES = 1024 * 1024;

/** A non-empty string of at most `max` characters; the issue names the field and both sizes. */
function text(max: number): Check {
  return (value, path, issues) => {
    str(value, path, issues);
    if (typeof value === 'string' && value.length > max) issues.push({ field: path, message: `must be at most ${max} characters, not ${value.length}` });
  };
}

const message = text(MAX_MESSAGE_CHARS);
const reasonText = text(MAX_REASON_CHARS);
const ref = text(MAX_REF_CHARS);

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
  message,
  commit: optional(str),
  branch: optional(str),
  repoUrl: optional(str),
  parent: optional(str),
  packages: optional(arrayOf(packageChange)),
  cascade: optional(str),
});

const counts = object({ error: num, warning: num, info: num, style: num });
const imageRef = object({ ref, digest: optional(ref) });

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
    reason: optional(reasonText),
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
    reason: optional(reasonText),
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
    scanners: recordOf(object({ status: oneOf(['ok', 'failed', 'skipped']), findings: num, reason: optional(reasonText) })),
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
        reason: optional(reasonText),
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
 * Checks an incoming event against the contract: known type, required attributes, the data
 * shape of its type, and bounds: data of at most {@link MAX_EVENT_DATA_BYTES} serialized (what
 * the HTTP doors take, so an event a handler emits in-process is held to it too), messages and
 * cause messages of at most {@link MAX_MESSAGE_CHARS} characters, reasons of at
 * most {@link MAX_REASON_CHARS}, image references and digests of at
 * most {@link MAX_REF_CHARS}. Throws a {@link ValidationError} with every problem, each naming
 * its field (HTTP 400 at the edge).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function validateEvent(event: CloudEvent<unknown>): void {
  const issues: Issue[] = [];
  for (const attribute of ['id', 'source', 'type', 'specversion'] as const) {
    const value = event[attribute];
    if (typeof value !== 'string' || value === '') issues.push({ field: attribute, message: 'is required' });
  }
  const schema = (DATA_SCHEMAS as Record<string, Check>)[event.type];
  const size = dataBytes(event.data);
  if (size > MAX_EVENT_DATA_BYTES) {
    // Checked first and alone: the shape of a megabyte of attacker data is not worth listing.
    issues.push({ field: 'data', message: `is ${size} bytes, over the ${MAX_EVENT_DATA_BYTES}-byte bound of an event` });
  } else if (schema) {
    schema(parseData(event.data), 'data', issues);
  } else if (!FOREIGN_TYPES.includes(event.type)) {
    issues.push({ field: 'type', message: `unknown event type "${event.type}"` });
  }
  if (issues.length > 0) throw new ValidationError(`invalid ${event.type || 'event'} event ${event.id ?? ''}`.trim(), issues);
}

/** The size of the data as it travels (UTF-8 JSON, or the bytes of a string or Buffer). */
function dataBytes(data: unknown): number {
  if (data === undefined || data === null) return 0;
  if (Buffer.isBuffer(data)) return data.length;
  if (typeof data === 'string') return Buffer.byteLength(data);
  try {
    return Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    return 0;
  }
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

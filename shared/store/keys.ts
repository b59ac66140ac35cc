import { createHash } from 'node:crypto';
import type { ProjectRef } from '../index/types';
import { InvalidKeyError } from './errors';
import { validateKey } from './key-rules';

/**
 * The object-store layout of the design, as functions, so no caller writes a key by hand:
 *
 * ```
 * reports/<app-id>/<job-id>/<tag>/<build-id>/<file>
 * state/builds/<app-id>/<job-id>/<tag>/<build-id>.json
 * state/images/<app-id>/<job-id>/<tag>.json
 * state/repos/<repo-key>.json
 * deadletters/<trigger>/<safe-id>.json
 * state/dashboard/resent/<trigger>/<safe-id>.json
 * state/osv/<ecosystem-slug>/all.zip
 * state/osv/<ecosystem-slug>/source.json
 * state/osv/advisories.json
 * state/mails/<app-id>/<job-id>/<tag>/<time>-<hash>.json
 * ```
 * A job id may hold `/` (nested registry repositories); the app id is always the first segment
 * and the tag the last, so keys still parse back. Every part is checked: a part that would
 * change the layout (`..`, `/` where none belongs, empty) throws an {@link InvalidKeyError}
 * naming the field.
 * @see ./readme.md
 */

/** One path segment: letters, digits, `_`, `.`, `-`, not starting with `.` or `-`, up to 128. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function segment(field: string, value: string): string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new InvalidKeyError(String(value), 'is not a key segment (letters, digits, "_", ".", "-"; no "/"; 1-128 characters)', field);
  }
  return value;
}

function jobPath(field: string, jobId: string): string {
  if (typeof jobId !== 'string') return segment(field, jobId);
  for (const part of jobId.split('/')) segment(field, part);
  return jobId;
}

function imagePath(ref: ProjectRef): string {
  return `${segment('appId', ref.appId)}/${jobPath('jobId', ref.jobId)}/${segment('desiredTag', ref.desiredTag)}`;
}

function checked(key: string): string {
  validateKey(key);
  return key;
}

/** Folder of every report of an image: `reports/<app-id>/<job-id>/<tag>/`. */
export function reportsPrefix(ref: ProjectRef): string {
  return `reports/${imagePath(ref)}/`;
}

/** `reports/<app-id>/<job-id>/<tag>/<build-id>/<file>`: one report file of one build. */
export function reportKey(ref: ProjectRef, buildId: string, file: string): string {
  return checked(`${reportsPrefix(ref)}${segment('buildId', buildId)}/${segment('file', file)}`);
}

/** Folder of an image's build records: `state/builds/<app-id>/<job-id>/<tag>/`. */
export function buildRecordsPrefix(ref: ProjectRef): string {
  return `state/builds/${imagePath(ref)}/`;
}

/** `state/builds/<app-id>/<job-id>/<tag>/<build-id>.json`: the record of one build. */
export function buildRecordKey(ref: ProjectRef, buildId: string): string {
  return checked(`${buildRecordsPrefix(ref)}${segment('buildId', buildId)}.json`);
}

/** `state/images/<app-id>/<job-id>/<tag>.json`: latest digest, packages and repos of an image. */
export function imageStateKey(ref: ProjectRef): string {
  return checked(`state/images/${imagePath(ref)}.json`);
}

/** `state/repos/<repo-key>.json`: the last seen state of one RPM repository. */
export function repoStateKey(repoKey: string): string {
  return checked(`state/repos/${segment('repoKey', repoKey)}.json`);
}

/**
 * `state/osv/<ecosystem-slug>/all.zip`: the last OSV export fetched for an ecosystem
 * (`red-hat`, `almalinux-9`, `pypi`), as the mirror served it.
 * @see https://ossf.github.io/osv-schema/
 */
export function osvExportKey(ecosystemSlug: string): string {
  return checked(`state/osv/${segment('ecosystemSlug', ecosystemSlug)}/all.zip`);
}

/** `state/osv/<ecosystem-slug>/source.json`: where that export came from, its ETag and Last-Modified, when it was checked. */
export function osvSourceKey(ecosystemSlug: string): string {
  return checked(`state/osv/${segment('ecosystemSlug', ecosystemSlug)}/source.json`);
}

/** `state/osv/advisories.json`: the advisory ids and `modified` times the last OSV refresh tick saw, the base of the next diff. */
export function osvAdvisorySnapshotKey(): string {
  return checked('state/osv/advisories.json');
}

/**
 * `deadletters/<trigger>/<safe-id>.json`. The safe id is the first 32 hex digits of
 * sha256(`<source>\n<id>`), the event's identity in CloudEvents, so a redelivered event lands
 * on the same key whatever characters its source and id hold. With `time`, the id is prefixed
 * with it (`2026-01-02T03-04-05-678Z-<hash>`) so a listing is in the order things failed.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
export function deadLetterKey(trigger: string, eventSource: string, eventId: string, time?: Date): string {
  const hash = createHash('sha256').update(`${eventSource}\n${eventId}`).digest('hex').slice(0, 32);
  const stamp = time ? `${time.toISOString().replace(/[:.]/g, '-')}-` : '';
  return checked(`deadletters/${segment('trigger', trigger)}/${stamp}${hash}.json`);
}

/** Folder of every dead letter: `deadletters/`. */
export const DEAD_LETTERS_PREFIX = 'deadletters/';

/** Folder of the dashboard's marks of dead letters it sent again: `state/dashboard/resent/`. */
export const RESENT_DEAD_LETTERS_PREFIX = 'state/dashboard/resent/';

/**
 * `state/dashboard/resent/<trigger>/<file>.json`: the mark that the dead letter at `key` (a
 * {@link deadLetterKey}) was sent again, created once with a conditional put so a second click
 * publishes nothing. Throws an {@link InvalidKeyError} for a key that is no dead letter's.
 */
export function resentDeadLetterKey(key: string): string {
  const match = /^deadletters\/([^/]+)\/([^/]+)\.json$/.exec(key);
  if (!match) throw new InvalidKeyError(key, 'is not the key of a dead letter (deadletters/<trigger>/<id>.json)', 'deadLetterKey');
  return checked(`${RESENT_DEAD_LETTERS_PREFIX}${segment('trigger', match[1]!)}/${segment('deadLetter', match[2]!)}.json`);
}

/** Folder of the mails sent (or not) about an image: `state/mails/<app-id>/<job-id>/<tag>/`. */
export function mailRecordsPrefix(ref: ProjectRef): string {
  return `state/mails/${imagePath(ref)}/`;
}

/** A mail record's id, the file name without `.json`: `<time>-<hash>`, as {@link mailRecordKey} makes it. */
export const MAIL_RECORD_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{32}$/;

/**
 * `state/mails/<app-id>/<job-id>/<tag>/<time>-<hash>.json`: the record of one mail about one
 * image (who it went to, what it said, how it went). The time (`2026-01-02T03-04-05-678Z`)
 * makes a listing the order the mails were first tried in; the hash is the first 32 hex digits
 * of sha256(`<event source> <event id>\n<mail key>`), the identity the notify function's sent
 * markers use for an event's mail, so a writer that finds a key ending in it knows the mail is
 * recorded already (a redelivered event, a retry after a failed send) and updates that record.
 * @see ./readme.md
 */
export function mailRecordKey(ref: ProjectRef, time: Date, mailIdentity: string): string {
  const hash = createHash('sha256').update(mailIdentity).digest('hex').slice(0, 32);
  return checked(`${mailRecordsPrefix(ref)}${time.toISOString().replace(/[:.]/g, '-')}-${hash}.json`);
}

/** The image an `imageStateKey` names; `null` for any other key. */
export function parseImageStateKey(key: string): ProjectRef | null {
  const parts = /^state\/images\/([^/]+)\/(.+)\/([^/]+)\.json$/.exec(key);
  if (!parts) return null;
  return { appId: parts[1]!, jobId: parts[2]!, desiredTag: parts[3]! };
}

/** The image and build a `buildRecordKey` names; `null` for any other key. */
export function parseBuildRecordKey(key: string): { ref: ProjectRef; buildId: string } | null {
  const parts = /^state\/builds\/([^/]+)\/(.+)\/([^/]+)\/([^/]+)\.json$/.exec(key);
  if (!parts) return null;
  return { ref: { appId: parts[1]!, jobId: parts[2]!, desiredTag: parts[3]! }, buildId: parts[4]! };
}

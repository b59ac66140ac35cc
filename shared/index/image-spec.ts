import type { BuildCause } from '../events/contracts/parts';
import type { LintCompletedData } from '../events/contracts/lint-completed';
import { imageName, parseImageName, type ProjectEntry, type ProjectRef } from './types';

/**
 * `<registry>/<app-id>/<job-id>:<desired-tag>`; the app id `library` has no namespace
 * (`<registry>/<job-id>:<tag>`), as in the CentOS pipeline.
 * @see https://github.com/CentOS/container-index#index-entry
 */
export function imageRefFor(registry: string, ref: ProjectRef): string {
  const repository = ref.appId === 'library' ? ref.jobId : `${ref.appId}/${ref.jobId}`;
  return `${registry}/${repository}:${ref.desiredTag}`;
}

/**
 * The parents an entry names (`depends-on`), each mapped to its full reference in the
 * pipeline's registry, so `FROM ns/name:tag` finds the image the pipeline built. Names that
 * are not `ns/name:tag` (a full external reference) are left to the Dockerfile as written.
 */
export function parentImagesOf(entry: ProjectEntry, registry: string): Record<string, string> {
  const parents: Record<string, string> = {};
  for (const name of entry.dependsOn) {
    const ref = parseImageName(name);
    if (ref && !ref.appId.includes('.') && !ref.appId.includes(':')) parents[imageName(ref)] = imageRefFor(registry, ref);
  }
  return parents;
}

/** Label values stay on one line and short: a cause message is written by people. */
function labelValue(text: string, max = 512): string {
  const flat = [...text]
    .map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? ' ' : char))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The labels every image carries to say where it came from: OCI annotations where one fits
 * (`source`, `revision`, `created`, `title`), the pipeline's own under `org.centos.ccp.`.
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/annotations.md#pre-defined-annotation-keys
 */
export function buildLabels(input: {
  entry: ProjectEntry;
  commit: string;
  buildId: string;
  cause: BuildCause;
  causeChain: readonly BuildCause[];
  created: Date;
}): Record<string, string> {
  const { entry } = input;
  const chain = input.causeChain.map((cause) => ({
    kind: cause.kind,
    ...(cause.commit ? { commit: cause.commit.slice(0, 12) } : {}),
    ...(cause.parent ? { parent: cause.parent } : {}),
  }));
  return {
    'org.opencontainers.image.source': entry.gitUrl,
    'org.opencontainers.image.revision': input.commit,
    'org.opencontainers.image.created': input.created.toISOString(),
    'org.opencontainers.image.title': imageName(entry),
    'org.centos.ccp.build-id': input.buildId,
    'org.centos.ccp.index-entry': `${entry.source.file}:${entry.source.line} ${imageName(entry)}`,
    'org.centos.ccp.cause': labelValue(input.cause.message),
    'org.centos.ccp.cause-chain': labelValue(JSON.stringify(chain), 1024),
  };
}

const LEVELS = ['error', 'warning', 'info', 'style'] as const;

/** Why a lint verdict stops the build: the lint's own reason, or the findings at or above the threshold. */
export function lintBlockReason(lint: LintCompletedData): string {
  if (lint.reason) return `blocked by lint: ${lint.reason}`;
  const index = LEVELS.indexOf(lint.failureThreshold as (typeof LEVELS)[number]);
  const levels = index < 0 ? LEVELS.slice(0, 1) : LEVELS.slice(0, index + 1);
  const count = levels.reduce((sum, level) => sum + lint.counts[level], 0);
  const what =
    levels.length === 1 ? `${count} error${count === 1 ? '' : 's'}` : `${count} finding${count === 1 ? '' : 's'} at ${lint.failureThreshold} or above`;
  return `blocked by lint: ${what} (threshold ${lint.failureThreshold})`;
}

import type { ProjectEntry, ProjectRef } from '../index/types';

/**
 * The service's CloudEvent types. Every type is `org.centos.ccp.<name>`; `source` names the
 * emitting function; `subject` is `<app-id>/<job-id>:<desired-tag>` where there is one.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type
 */
export const TYPE_PREFIX = 'org.centos.ccp.';

export const EventTypes = {
  gitPush: 'org.centos.ccp.git.push',
  indexChanged: 'org.centos.ccp.index.changed',
  buildRequested: 'org.centos.ccp.build.requested',
  lintCompleted: 'org.centos.ccp.lint.completed',
  buildCompleted: 'org.centos.ccp.build.completed',
  imagePushed: 'org.centos.ccp.image.pushed',
  scanRequested: 'org.centos.ccp.scan.requested',
  scanCompleted: 'org.centos.ccp.scan.completed',
  rpmRepoChanged: 'org.centos.ccp.rpm-repo.changed',
  tickWeekly: 'org.centos.ccp.tick.weekly',
  tickRepoPoll: 'org.centos.ccp.tick.repo-poll',
  noticeRequested: 'org.centos.ccp.notice.requested',
} as const;

/** Types that sources outside the service emit and that it accepts as they are. */
export const ForeignEventTypes = {
  githubPush: 'dev.knative.source.github.push',
  gitlabPush: 'dev.knative.sources.gitlab.push',
  ping: 'dev.knative.sources.ping',
  /** A watched Kubernetes object changed (ApiServerSource): the build Jobs' status. */
  apiServerUpdate: 'dev.knative.apiserver.resource.update',
} as const;

export type CcpEventType = (typeof EventTypes)[keyof typeof EventTypes];

/** Why a build happens. The seed's e-mails name these as "Cause of build". */
export type BuildCauseKind = 'first-build' | 'git-push' | 'parent-rebuilt' | 'rpm-update' | 'index-change' | 'manual';

export const BUILD_CAUSE_KINDS: readonly BuildCauseKind[] = [
  'first-build', 'git-push', 'parent-rebuilt', 'rpm-update', 'index-change', 'manual',
];

export interface PackageChange {
  name: string;
  from: string;
  to: string;
  repo?: string;
}

export interface BuildCause {
  kind: BuildCauseKind;
  /** A sentence for people, e.g. "Git commit 1a2b3c to branch master of repo https://…". */
  message: string;
  commit?: string;
  branch?: string;
  repoUrl?: string;
  /** The parent image that was rebuilt, `app-id/job-id:tag`. */
  parent?: string;
  packages?: PackageChange[];
  /**
   * Set by the dispatcher on every build of a cascade (a parent rebuilt, one cause rebuilding
   * many images): it promises one `notice.requested` for the whole cascade, so the notify
   * function mails that combined notice instead of one mail per `build.completed`.
   */
  cascade?: string;
}

export type LintVerdict = 'passed' | 'failed' | 'error';

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
  style: number;
}

export interface BuildRequestedData {
  project: ProjectRef;
  /** The index entry as the dispatcher saw it; looked up in the configured index when absent. */
  entry?: ProjectEntry;
  /** Commit to build; the branch head when absent. */
  commit?: string;
  /** Set by the requester so every function of this build shares it; derived from the event otherwise. */
  buildId?: string;
  cause: BuildCause;
  /** The causes that led here, oldest first (a parent's own cause, then this one). */
  causeChain?: BuildCause[];
}

export interface LintCompletedData {
  buildId: string;
  project: ProjectRef;
  entry: ProjectEntry;
  /** The commit linted; absent when it could not be fetched. */
  commit?: string;
  verdict: LintVerdict;
  /** True when the verdict stops the build (findings at or above the failure threshold, or no Dockerfile). */
  blocking: boolean;
  failureThreshold: string;
  counts: SeverityCounts;
  /** Why linting could not run, when `verdict` is `error`. */
  reason?: string;
  /** Object store keys of the reports. */
  reports: { json: string; sarif: string };
  cause: BuildCause;
  causeChain: BuildCause[];
  /**
   * The index images (`app-id/job-id:tag`) the Dockerfile's `FROM` lines name, as
   * `baseImagesOf` resolves them; absent when the Dockerfile could not be read.
   */
  baseImages?: string[];
}

export interface ImageRef {
  /** `registry/app-id/job-id:tag`. */
  ref: string;
  digest?: string;
}

export interface BuildCompletedData {
  buildId: string;
  project: ProjectRef;
  entry: ProjectEntry;
  /** The commit built; absent when it could not be fetched. */
  commit?: string;
  status: 'succeeded' | 'failed';
  reason?: string;
  image?: ImageRef;
  reports: { log: string; lint?: string };
  timings: { startedAt: string; finishedAt: string; durationMs: number };
  cause: BuildCause;
  causeChain: BuildCause[];
  /**
   * The index images (`app-id/job-id:tag`) the built Dockerfile's `FROM` lines name (every
   * stage; `scratch`, stage names, digest pins and other registries left out), from the lint of
   * the same commit; absent when unknown. The dispatcher learns its parents from it.
   */
  baseImages?: string[];
  /**
   * Queued builds of other cascades that this one replaced before they ran (a newer request for
   * the same image): they never end on their own, so their cascades count this build's end as
   * theirs.
   */
  replaces?: ReplacedBuild[];
}

/** A build superseded while queued, and the cascade that waits for it. */
export interface ReplacedBuild {
  buildId: string;
  cascade: string;
}

export interface ImagePushedData {
  repository: string;
  tag?: string;
  digest: string;
  /** The manifest's media type, as the registry's notification says. */
  mediaType?: string;
  /** `host:port` of the registry that was pushed to. */
  registry?: string;
}

export interface ScanRequestedData {
  project: ProjectRef;
  image: ImageRef;
  reason: 'build' | 'weekly' | 'manual';
  buildId?: string;
}

export interface ScannerSummary {
  status: 'ok' | 'failed' | 'skipped';
  findings: number;
  reason?: string;
}

export interface ScanCompletedData {
  project: ProjectRef;
  image: ImageRef;
  buildId?: string;
  scanners: Record<string, ScannerSummary>;
  reports: { json: string; html: string; sbom: string };
}

export interface GitPushData {
  repoUrl: string;
  branch: string;
  commit: string;
  /** Files the push touched, when the webhook lists them. */
  changedPaths?: string[];
}

export interface IndexChangedData {
  commit?: string;
  added: ProjectEntry[];
  changed: ProjectEntry[];
  removed: ProjectRef[];
}

export interface RpmRepoChangedData {
  /** `key`: the repo tracker's key (a hash of the base URL); `name`: the repo id images give it. */
  repo: { key: string; url: string; name?: string };
  /** The revision this change is measured from (the last snapshot's). */
  previousRevision?: string;
  revision: string;
  added: string[];
  updated: PackageChange[];
  removed: string[];
}

/** What became of one project of a cascade. */
export type NoticeOutcome = 'succeeded' | 'failed' | 'skipped';

export interface NoticeItem {
  project: ProjectRef;
  /** The index entry (for its `notify-email`); looked up in the configured index when absent. */
  entry?: ProjectEntry;
  outcome: NoticeOutcome;
  buildId?: string;
  /** Why it failed or was skipped, for people: "parent centos/base:latest failed". */
  reason?: string;
  /** The project (`app-id/job-id:tag`) whose failure skipped this one. */
  blockedBy?: string;
  image?: ImageRef;
  /** Object store keys of the build's reports, when it ran. */
  reports?: { log?: string; lint?: string };
}

/**
 * The dispatcher's combined notice: one per cascade, emitted when its last build ended, so
 * that every recipient gets one mail for the whole cascade instead of one per image.
 * Emit it with the id `notice/<cascade>` so that a re-emitted notice is a duplicate.
 */
export interface NoticeRequestedData {
  /** The `cause.cascade` every build of the cascade carried. */
  cascade: string;
  /** What started the cascade (the root's cause). */
  cause: BuildCause;
  /** The project whose rebuild started it, when there is one (parent-rebuilt cascades). */
  origin?: ProjectRef;
  /** Every project of the cascade, parents first. */
  items: NoticeItem[];
}

/**
 * `tick.weekly`: the gateway's tick carries nothing; the weekly rescan re-emits it to itself as
 * a continuation that names the tick it continues and where to go on, so a long rescan is
 * paced in chunks and a chunk lost with its pod is redone by the broker's retry.
 */
export interface WeeklyTickData {
  /** The id of the tick this continues. */
  tick?: string;
  /** Index (in image-name order) of the first image this chunk handles. */
  offset?: number;
  /** ISO time before which this chunk must not start. */
  notBefore?: string;
}

/** Maps each type to the shape of its `data`. */
export interface EventDataMap {
  [EventTypes.gitPush]: GitPushData;
  [EventTypes.indexChanged]: IndexChangedData;
  [EventTypes.buildRequested]: BuildRequestedData;
  [EventTypes.lintCompleted]: LintCompletedData;
  [EventTypes.buildCompleted]: BuildCompletedData;
  [EventTypes.imagePushed]: ImagePushedData;
  [EventTypes.scanRequested]: ScanRequestedData;
  [EventTypes.scanCompleted]: ScanCompletedData;
  [EventTypes.rpmRepoChanged]: RpmRepoChangedData;
  [EventTypes.tickWeekly]: WeeklyTickData | undefined;
  [EventTypes.tickRepoPoll]: Record<string, never> | undefined;
  [EventTypes.noticeRequested]: NoticeRequestedData;
}

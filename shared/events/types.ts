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
  tickOsvRefresh: 'org.centos.ccp.tick.osv-refresh',
  osvAdvisoryChanged: 'org.centos.ccp.osv.advisory-changed',
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

/*
 * The data of each type is declared once, in its contract (contracts/<type>.ts); these are the
 * types derived from those declarations, under the names callers use.
 */
export { BUILD_CAUSE_KINDS } from './contracts/limits';
export type { BuildCause, BuildCauseKind, ImageRef, PackageChange } from './contracts/parts';
export type { BuildRequestedData } from './contracts/build-requested';
export type { LintCompletedData, LintVerdict, SeverityCounts } from './contracts/lint-completed';
export type { BuildCompletedData, ReplacedBuild } from './contracts/build-completed';
export type { ImagePushedData } from './contracts/image-pushed';
export type { ScanRequestedData } from './contracts/scan-requested';
export type { ScanCompletedData, ScannerSummary } from './contracts/scan-completed';
export type { GitPushData } from './contracts/git-push';
export type { IndexChangedData } from './contracts/index-changed';
export type { RpmRepoChangedData } from './contracts/rpm-repo-changed';
export type { OsvAdvisoryChangedData } from './contracts/osv-advisory-changed';
export type { NoticeItem, NoticeOutcome, NoticeRequestedData } from './contracts/notice-requested';
export type { WeeklyTickData } from './contracts/tick-weekly';
export type { EventDataMap } from './contracts/api';

import { imageName, type ProjectEntry } from '../../../shared/index/types';
import type { ObjectStore } from '../../../shared/store/types';
import { EventTypes } from '../../../shared/events/types';
import { saveMailRecord } from '../../../shared/mails/mail-records';
import { reportKey } from '../../../shared/store/keys';
import { projectEntry, writeBuild, writeCascade, writeScan } from '../../../test/support/dashboard-store';

/** The cascade the base image's build started: it rebuilt the two images built on it. */
export const CASCADE_ID = 'after-20261201T090000Z-aaaa';

/**
 * The builds the cascade requested for the base image's children: the dispatcher's ids are the
 * same on every run (`cascadeBuildId`, from the cascade id, its time and the image).
 */
export const HTTPD_BUILD = '20261201T090500Z-c1fb71e032';
export const WEB_BUILD = '20261201T090500Z-af095b8dff';

/** When notify sent the cascade's notice about the failed child (its mail record). */
export const MAIL_SENT_AT = '2026-12-01T09:06:00.000Z';

/** Text an attacker controls, in a cause, a git URL, a reason and a log line. */
export const HOSTILE = '<script>alert("owned")</script>';

/** The index of the scenario: a base image, a child built on it, a nested job id, a hostile entry, one never built. */
export const ENTRIES = {
  base: projectEntry('centos', 'centos', '7'),
  httpd: projectEntry('centos', 'httpd-24-centos7', 'latest', { dependsOn: ['centos/centos:7'] }),
  web: projectEntry('apps', 'team/web', '1.0', { dependsOn: ['centos/centos:7'] }),
  hostile: projectEntry('evil', 'x', 'latest', { gitUrl: `https://git.example.org/${HOSTILE}.git` }),
  idle: projectEntry('tools', 'idle', 'latest'),
} satisfies Record<string, ProjectEntry>;

export const INDEX: readonly ProjectEntry[] = Object.values(ENTRIES);

/** A Dockerfile with five lint warnings (untagged FROM, USER root, `cd`, `yum` without clean-up and version pins) on lines 1 to 3. */
export const LINTED_DOCKERFILE = 'FROM centos\nUSER root\nRUN cd /tmp && yum -y install httpd\n';

const push = (commit: string, repo = 'centos/httpd') => ({
  kind: 'git-push' as const,
  message: `Git commit ${commit} to branch main of repo https://git.example.org/${repo}.git`,
  commit,
  branch: 'main',
});

/**
 * Fills `store` the way the pipeline would: every project's builds (one running, whose log is
 * still being written), scans, lint reports and one cascade from the base image to its children.
 */
export async function writeScenario(store: ObjectStore): Promise<void> {
  const base = await writeBuild(store, ENTRIES.base, {
    buildId: '20261201T090000Z-aaaa',
    status: 'succeeded',
    cause: push('aaaaaaa', 'centos/centos'),
    queuedAt: '2026-12-01T09:00:00.000Z',
    durationMs: 65_000,
    commit: 'a'.repeat(40),
    digest: `sha256:${'1'.repeat(64)}`,
    log: 'step 1\nstep 2\n',
    dockerfile: 'FROM registry.example.org/centos/base:7\n',
  });
  await writeScan(store, ENTRIES.base, {
    buildId: '20261201T090000Z-aaaa',
    scannedAt: '2026-12-01T09:02:00.000Z',
    digest: `sha256:${'1'.repeat(64)}`,
    scanners: {
      'rpm-updates': { severities: ['high', 'medium', 'medium'] },
      'rpm-verify': { severities: [] },
      'pip-outdated': { severities: [], failed: 'pip not found' },
    },
  });

  await writeBuild(store, ENTRIES.httpd, {
    buildId: '20261130T080000Z-bbbb',
    status: 'succeeded',
    cause: push('1111111'),
    queuedAt: '2026-11-30T08:00:00.000Z',
    durationMs: 30_000,
    log: 'ok\n',
  });
  // The dispatcher's cascade from the base image: the builds of its children are the ones it requested.
  const cascade = await writeCascade(store, {
    id: CASCADE_ID,
    entries: INDEX,
    origin: base,
    // As the dispatcher words it after a build whose image has children (on-build-completed.ts).
    cause: { kind: 'parent-rebuilt', message: `centos/centos:7 rebuilt because ${base.cause.message}`, parent: 'centos/centos:7' },
    now: new Date('2026-12-01T09:05:00.000Z'),
    ended: { 'centos/httpd-24-centos7:latest': 'failed' },
  });
  const requested = (entry: ProjectEntry, buildId: string) => {
    const item = cascade.items.find((candidate) => candidate.name === imageName(entry))!;
    if (item.buildId !== buildId) throw new Error(`the dispatcher named the build of ${item.name} ${item.buildId}, not ${buildId}: update the scenario`);
    return item;
  };
  const httpd = requested(ENTRIES.httpd, HTTPD_BUILD);
  await writeBuild(store, ENTRIES.httpd, {
    buildId: httpd.buildId,
    status: 'failed',
    cause: httpd.cause,
    earlier: httpd.causeChain,
    queuedAt: '2026-12-01T09:05:00.000Z',
    durationMs: 0,
    log: 'not built\n',
    dockerfile: LINTED_DOCKERFILE,
    lintThreshold: 'warning',
  });
  const web = requested(ENTRIES.web, WEB_BUILD);
  await writeBuild(store, ENTRIES.web, {
    buildId: web.buildId,
    status: 'running',
    cause: web.cause,
    earlier: web.causeChain,
    queuedAt: '2026-12-01T09:05:00.000Z',
    log: 'ccp build of apps/team/web:1.0\n==> checkout\n',
  });

  await writeBuild(store, ENTRIES.hostile, {
    buildId: '20261201T093000Z-eeee',
    status: 'succeeded',
    cause: { kind: 'manual', message: `requested by ${HOSTILE}` },
    queuedAt: '2026-12-01T09:30:00.000Z',
    durationMs: 1500,
    reason: HOSTILE,
    log: `echo ${HOSTILE}\n`,
  });

  // The mails notify recorded (shared/mails/, its own writer): the cascade's notice about the
  // failed child, and a failed send about the hostile project whose every text is an attack.
  const logKey = reportKey(ENTRIES.httpd, HTTPD_BUILD, 'build.log');
  const lintKey = reportKey(ENTRIES.httpd, HTTPD_BUILD, 'lint.json');
  await saveMailRecord(
    store,
    ENTRIES.httpd,
    `/ccp/dispatch notice/${CASCADE_ID}\nnotice:team@example.org`,
    {
      format: 'ccp.mail-record/v1',
      kind: 'cascade-notice',
      state: 'sent',
      subject: '[registry.example.org] FAILED: Container build centos/httpd-24-centos7:latest and 1 more',
      recipients: [{ address: 'team@example.org', status: 'sent' }],
      at: MAIL_SENT_AT,
      eventId: `notice/${CASCADE_ID}`,
      eventType: EventTypes.noticeRequested,
      buildId: HTTPD_BUILD,
      cascade: CASCADE_ID,
      links: [
        { label: 'Build log', url: `https://ccp.example.org/${logKey}`, key: logKey },
        { label: 'Lint report', url: `https://ccp.example.org/${lintKey}`, key: lintKey },
      ],
      messageId: 'f00dfeedf00dfeedf00d.0a0b0c0d@pipeline.example.org',
    },
    new Date(MAIL_SENT_AT),
  );
  await saveMailRecord(
    store,
    ENTRIES.hostile,
    `/ccp/build ${HOSTILE}\nbuild`,
    {
      format: 'ccp.mail-record/v1',
      kind: 'build',
      state: 'failed',
      subject: `[registry.example.org] SUCCESS: ${HOSTILE}`,
      recipients: [{ address: `${HOSTILE}@example.org`, status: 'not-sent' }],
      at: '2026-12-01T09:31:00.000Z',
      eventId: HOSTILE,
      eventType: EventTypes.buildCompleted,
      buildId: '20261201T093000Z-eeee',
      links: [{ label: HOSTILE, url: 'javascript:alert(1)' }],
      messageId: `${HOSTILE}@pipeline.example.org`,
      error: `connect ECONNREFUSED ${HOSTILE}`,
    },
    new Date('2026-12-01T09:31:00.000Z'),
  );
}

import type { ProjectEntry } from '../../../shared/index/types';
import type { ObjectStore } from '../../../shared/store/types';
import { projectEntry, writeBuild, writeCascade, writeScan } from '../../../test/support/dashboard-store';

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

const push = (commit: string, repo = 'centos/httpd') => ({ kind: 'git-push' as const, message: `Git commit ${commit} to branch main of repo https://git.example.org/${repo}.git`, commit, branch: 'main' });

/**
 * Fills `store` the way the pipeline would: every project's builds (one running, whose log is
 * still being written), scans, lint reports and one cascade from the base image to its children.
 */
export async function writeScenario(store: ObjectStore): Promise<void> {
  await writeBuild(store, ENTRIES.base, { buildId: '20261201T090000Z-aaaa', status: 'succeeded', cause: { kind: 'first-build', message: 'First build of centos/centos:7' }, queuedAt: '2026-12-01T09:00:00.000Z', durationMs: 65_000, commit: 'a'.repeat(40), digest: `sha256:${'1'.repeat(64)}`, log: 'step 1\nstep 2\n', dockerfile: 'FROM registry.example.org/centos/base:7\n' });
  await writeScan(store, ENTRIES.base, { buildId: '20261201T090000Z-aaaa', scannedAt: '2026-12-01T09:02:00.000Z', digest: `sha256:${'1'.repeat(64)}`, scanners: { 'rpm-updates': { severities: ['high', 'medium', 'medium'] }, 'rpm-verify': { severities: [] }, 'pip-outdated': { severities: [], failed: 'pip not found' } } });

  await writeBuild(store, ENTRIES.httpd, { buildId: '20261130T080000Z-bbbb', status: 'succeeded', cause: push('1111111'), queuedAt: '2026-11-30T08:00:00.000Z', durationMs: 30_000, log: 'ok\n' });
  await writeBuild(store, ENTRIES.httpd, {
    buildId: '20261201T091000Z-cccc',
    status: 'failed',
    cause: { kind: 'parent-rebuilt', message: 'Parent image centos/centos:7 was rebuilt', parent: 'centos/centos:7', cascade: 'after-20261201T090000Z-aaaa' },
    earlier: [push('2222222')],
    queuedAt: '2026-12-01T09:10:00.000Z',
    durationMs: 0,
    log: 'not built\n',
    dockerfile: LINTED_DOCKERFILE,
    lintThreshold: 'warning',
  });

  await writeBuild(store, ENTRIES.web, { buildId: '20261201T092000Z-dddd', status: 'running', cause: push('3333333', 'apps/web'), queuedAt: '2026-12-01T09:20:00.000Z', log: 'ccp build of apps/team/web:1.0\n==> checkout\n' });

  await writeBuild(store, ENTRIES.hostile, { buildId: '20261201T093000Z-eeee', status: 'succeeded', cause: { kind: 'manual', message: `requested by ${HOSTILE}` }, queuedAt: '2026-12-01T09:30:00.000Z', durationMs: 1500, reason: HOSTILE, log: `echo ${HOSTILE}\n` });

  await writeCascade(store, {
    id: 'after-20261201T090000Z-aaaa',
    entries: INDEX,
    origin: ENTRIES.base,
    cause: { kind: 'parent-rebuilt', message: 'centos/centos:7 was rebuilt' },
    now: new Date('2026-12-01T09:05:00.000Z'),
    ended: { 'centos/httpd-24-centos7:latest': 'failed' },
  });
}

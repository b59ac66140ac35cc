import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { notifyFunction } from '../../functions/notify';
import type { NotifyContext } from '../../functions/notify/settings';
import { functionContext } from '../support/function-context';
import { loadConfig, type Config } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import type { ProjectEntry, ProjectRef } from '../../shared/index/types';
import { createLogger, type Logger } from '../../shared/log/logger';
import { buildRecordKey, reportKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';

export const REGISTRY = 'registry.example.org:5000';

export function entry(appId: string, jobId: string, notifyEmail: string[], overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId,
    jobId,
    gitUrl: `https://git.example.org/${appId}/${jobId}`,
    gitBranch: 'main',
    gitPath: 'docker',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail,
    buildContext: './',
    dependsOn: [],
    source: { file: `${appId}.yaml`, line: 2 },
    ...overrides,
  };
}

export function refOf(project: ProjectEntry): ProjectRef {
  return { appId: project.appId, jobId: project.jobId, desiredTag: project.desiredTag };
}

/** The log lines a test context wrote, parsed. */
export type LogLines = Record<string, unknown>[];

export interface NotifyWorld {
  config: Config;
  context: NotifyContext;
  store: ObjectStore;
  logs: LogLines;
}

/**
 * A real notify context (its services included) on a filesystem store in a fresh folder, with the CCP_* variables
 * given (SMTP, Cc, base URL…) and the projects known to the index lookup.
 */
export async function notifyWorld(
  env: NodeJS.ProcessEnv,
  projects: ProjectEntry[],
  options: { store?: ObjectStore; configure?: (config: Config) => Config } = {},
): Promise<NotifyWorld> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ccp-notify-'));
  const loaded = loadConfig({ dataDir, registry: REGISTRY }, { CCP_MAIL_FROM: 'ccp@pipeline.example.org', ...env });
  const config = options.configure ? options.configure(loaded) : loaded;
  const logs: LogLines = [];
  const log: Logger = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const context = await functionContext(notifyFunction, config, log, { projects, ...(options.store ? { store: options.store } : {}) });
  return { config, context, store: context.store, logs };
}

export const CAUSES: Record<BuildCause['kind'], BuildCause> = {
  'first-build': { kind: 'first-build', message: 'First build of the container image' },
  'git-push': { kind: 'git-push', message: 'push', commit: '1a2b3c4d', branch: 'main', repoUrl: 'https://git.example.org/team/web' },
  'parent-rebuilt': { kind: 'parent-rebuilt', message: 'parent', parent: 'centos/base:latest' },
  'rpm-update': { kind: 'rpm-update', message: 'rpm', packages: [{ name: 'openssl', from: '3.0.7-24.el9', to: '3.0.7-25.el9', repo: 'baseos' }] },
  'index-change': { kind: 'index-change', message: 'index' },
  manual: { kind: 'manual', message: 'Requested by an admin' },
};

export interface BuildFixture {
  buildId: string;
  status?: 'succeeded' | 'failed';
  cause?: BuildCause;
  reason?: string;
  digest?: string;
  eventId?: string;
  /** Causes before this build's own (a parent's), oldest first. */
  earlier?: BuildCause[];
  /** Lint findings instead of the three default ones. */
  lint?: Record<string, unknown>[];
}

/**
 * Stores the reports and the build record a real build leaves (lint.json in hadolint's JSON,
 * lint.sarif, build.log) and returns its `build.completed`, made with makeEvent.
 */
export async function completedBuild(store: ObjectStore, project: ProjectEntry, fixture: BuildFixture): Promise<CloudEvent<BuildCompletedData>> {
  const ref = refOf(project);
  const { buildId } = fixture;
  const lint = fixture.lint ?? [
    { code: 'DL3006', level: 'warning', message: 'Always tag the version of an image explicitly', line: 1, column: 1, file: 'docker/Dockerfile' },
    { code: 'DL4000', level: 'warning', message: 'MAINTAINER is deprecated', line: 2, column: 1, file: 'docker/Dockerfile' },
    { code: 'DL3033', level: 'info', message: 'Specify version with yum install -y <package>-<version>', line: 3, column: 1, file: 'docker/Dockerfile' },
  ];
  await store.put(reportKey(ref, buildId, 'lint.json'), JSON.stringify(lint), { contentType: 'application/json' });
  await store.put(reportKey(ref, buildId, 'lint.sarif'), JSON.stringify({ version: '2.1.0', runs: [] }), { contentType: 'application/sarif+json' });
  await store.put(reportKey(ref, buildId, 'build.log'), `STEP 1/3: FROM centos\n${fixture.status === 'failed' ? 'error: RUN exited with 1\n' : 'COMMIT\n'}`, {
    contentType: 'text/plain',
  });
  const status = fixture.status ?? 'succeeded';
  const cause = fixture.cause ?? CAUSES.manual;
  // As the build function writes it: the cause chain ends with the build's own cause.
  const record = {
    buildId,
    project: ref,
    name: `${project.appId}/${project.jobId}:${project.desiredTag}`,
    status,
    cause,
    causeChain: [...(fixture.earlier ?? []), cause],
    commit: '1a2b3c4d5e6f',
    entry: project,
  };
  await store.put(buildRecordKey(ref, buildId), JSON.stringify(record), { contentType: 'application/json' });
  const data: BuildCompletedData = {
    buildId,
    project: ref,
    entry: project,
    commit: '1a2b3c4d5e6f',
    status,
    ...(fixture.reason ? { reason: fixture.reason } : {}),
    ...(status === 'succeeded'
      ? { image: { ref: `${REGISTRY}/${project.appId}/${project.jobId}:latest`, digest: fixture.digest ?? `sha256:${'ab'.repeat(32)}` } }
      : {}),
    reports: { log: reportKey(ref, buildId, 'build.log'), lint: reportKey(ref, buildId, 'lint.json') },
    timings: { startedAt: '2026-11-28T05:00:00Z', finishedAt: '2026-11-28T05:01:30Z', durationMs: 90_000 },
    cause,
    causeChain: [...(fixture.earlier ?? []), cause],
  };
  return makeEvent(EventTypes.buildCompleted, data, { source: '/ccp/build', id: fixture.eventId ?? `${buildId}/build` });
}

export interface ScanFixture {
  buildId?: string;
  /** Installed packages: name → version (rpm). */
  packages: Record<string, string>;
  /** rpm-updates findings: package names with an update. */
  updates: string[];
  /** capabilities findings of severity high: their titles. */
  high?: string[];
  eventId: string;
}

/** Stores scan.json, scan.html and a CycloneDX SBOM as the scan function does, and returns its `scan.completed`. */
export async function completedScan(store: ObjectStore, project: ProjectEntry, fixture: ScanFixture): Promise<CloudEvent<ScanCompletedData>> {
  const ref = refOf(project);
  const folder = fixture.buildId ?? `weekly-${fixture.eventId}`;
  const keys = { json: reportKey(ref, folder, 'scan.json'), html: reportKey(ref, folder, 'scan.html'), sbom: reportKey(ref, folder, 'sbom.cdx.json') };
  const findings = fixture.updates.map((name) => ({ id: name, severity: 'medium', title: `${name} has an update`, details: {} }));
  const high = (fixture.high ?? []).map((title) => ({ id: title, severity: 'high', title, details: {} }));
  await store.put(keys.json, JSON.stringify({ scanners: { 'rpm-updates': { status: 'ok', findings }, capabilities: { status: 'ok', findings: high } } }), {
    contentType: 'application/json',
  });
  await store.put(keys.html, '<html><body>scan</body></html>', { contentType: 'text/html' });
  const components = Object.entries(fixture.packages).map(([name, version]) => ({
    type: 'library',
    name,
    version,
    purl: `pkg:rpm/centos/${name}@${version}?arch=x86_64`,
  }));
  await store.put(keys.sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components }), { contentType: 'application/vnd.cyclonedx+json' });
  const data: ScanCompletedData = {
    project: ref,
    image: { ref: `${REGISTRY}/${project.appId}/${project.jobId}:latest`, digest: `sha256:${'cd'.repeat(32)}` },
    ...(fixture.buildId ? { buildId: fixture.buildId } : {}),
    scanners: { 'rpm-updates': { status: 'ok', findings: findings.length }, capabilities: { status: 'ok', findings: high.length } },
    reports: keys,
  };
  return makeEvent(EventTypes.scanCompleted, data, { source: '/ccp/scan', id: fixture.eventId });
}

/** Every URL of a mail: the HTML part's links and the text part's. */
export function linksOf(html: string, text: string): { html: string[]; text: string[] } {
  const decode = (url: string): string => url.replace(/&amp;/g, '&');
  return {
    html: [...html.matchAll(/href="([^"]+)"/g)].map((match) => decode(match[1]!)),
    text: [...text.matchAll(/^ {2}((?:https?|file):\/\/\S+)$/gm)].map((match) => match[1]!),
  };
}

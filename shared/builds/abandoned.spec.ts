import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { EventTypes } from '../events/types';
import { makeEvent } from '../events/make';
import { validateEvent } from '../events/validate';
import { type BuildCompletedData } from '../events/contracts/build-completed';
import { type LintCompletedData } from '../events/contracts/lint-completed';
import type { ProjectEntry } from '../index/types';
import { FsObjectStore } from '../store/fs-store';
import { abandonedBuild, storeAbandonedLog, type IndexEntryOf } from './abandoned';

const ENTRY = {
  id: 1,
  appId: 'team',
  jobId: 'app',
  gitUrl: 'https://git.example.org/app.git',
  gitBranch: 'main',
  gitPath: '.',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: ['team@example.org'],
  buildContext: './',
  dependsOn: [],
  source: { file: 'team.yaml', line: 1 },
} as ProjectEntry;
/** What an attacker posts: the project's name with another address to mail. */
const FORGED = { ...ENTRY, notifyEmail: ['attacker@example.org'] } as ProjectEntry;
/** The index: it lists team/app:latest (ENTRY) only. */
const fromIndex: IndexEntryOf = (_claimed, project) =>
  Promise.resolve(project.appId === 'team' && project.jobId === 'app' && project.desiredTag === 'latest' ? ENTRY : null);
const PROJECT = { appId: 'team', jobId: 'app', desiredTag: 'latest' };
const CAUSE = { kind: 'parent-rebuilt' as const, message: 'parent team/base:latest rebuilt', parent: 'team/base:latest', cascade: 'push-base' };
const NOW = new Date('2026-11-28T10:00:00.000Z');

const requested = (data: Record<string, unknown> = {}): CloudEvent<unknown> =>
  makeEvent(
    EventTypes.buildRequested,
    { project: PROJECT, entry: FORGED, buildId: 'b1', cause: CAUSE, causeChain: [CAUSE], ...data },
    { source: '/ccp/dispatch', id: 'b1/requested' },
  );
const linted = makeEvent(
  EventTypes.lintCompleted,
  {
    buildId: 'b2',
    project: PROJECT,
    entry: FORGED,
    commit: 'c'.repeat(40),
    verdict: 'passed',
    blocking: false,
    failureThreshold: 'error',
    counts: { error: 0, warning: 0, info: 0, style: 0 },
    reports: { json: 'reports/team/app/latest/b2/lint.json', sarif: 'reports/team/app/latest/b2/lint.sarif' },
    cause: CAUSE,
    causeChain: [CAUSE],
  },
  { source: '/ccp/lint', id: 'b2/lint' },
);

describe('abandonedBuild', () => {
  it.each([
    ['a build.requested the lint function gave up on', requested(), 'b1', 'lint', undefined],
    ['a lint.completed the build function gave up on', linted, 'b2', 'build', 'c'.repeat(40)],
  ])("ends %s as a failed build.completed of the same build, with the index's entry", async (_name, dead, buildId, step, commit) => {
    const abandoned = (await abandonedBuild(dead, 'HTTP 500: store unreachable', NOW, fromIndex))!;
    expect(() => validateEvent(abandoned.event)).not.toThrow();
    expect([abandoned.event.type, abandoned.event.id, abandoned.event.source]).toEqual([EventTypes.buildCompleted, `${buildId}/build`, '/ccp/dead-letter']);
    const data = abandoned.event.data as BuildCompletedData;
    expect(data).toEqual({
      buildId,
      project: PROJECT,
      entry: ENTRY,
      ...(commit ? { commit } : {}),
      status: 'failed',
      reason: `the ${step} function gave up on this build after its retries: HTTP 500: store unreachable`,
      reports: { log: `reports/team/app/latest/${buildId}/build.log` },
      timings: { startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), durationMs: 0 },
      cause: CAUSE,
      causeChain: [CAUSE],
    });
    expect(abandoned.log).toEqual({
      key: data.reports.log,
      text: expect.stringContaining(`The undelivered ${dead.type} ${dead.id} is kept with the dead letters.`),
    });
  });

  it("carries on the base images a given-up lint.completed names, for the dispatcher's graph", async () => {
    const withBases = makeEvent(
      EventTypes.lintCompleted,
      { ...(linted.data as LintCompletedData), baseImages: ['team/base:latest'] },
      { source: '/ccp/lint', id: 'b2/lint' },
    );
    expect(((await abandonedBuild(withBases, 'gave up', NOW, fromIndex))!.event.data as BuildCompletedData).baseImages).toEqual(['team/base:latest']);
  });

  it.each([
    ['a request without a build id (nothing waits for it)', requested({ buildId: undefined })],
    [
      'a project the index does not list (whatever entry the event brings)',
      requested({ project: { ...PROJECT, jobId: 'elsewhere' }, entry: { ...FORGED, jobId: 'elsewhere' } }),
    ],
    [
      'an event that is not a step of a build',
      makeEvent(EventTypes.scanRequested, { project: PROJECT, image: { ref: 'r/team/app:latest' }, reason: 'weekly' }, { source: '/ccp/weekly-scan' }),
    ],
    ['a malformed request (perhaps why it was dead-lettered)', requested({ project: 'not an object' })],
  ])('names no build to end for %s', async (_name, dead) => {
    expect(await abandonedBuild(dead, 'gave up', NOW, fromIndex)).toBeNull();
  });

  it("ends a request that brings no entry with the index's", async () => {
    const abandoned = await abandonedBuild(requested({ entry: undefined }), 'gave up', NOW, fromIndex);
    expect((abandoned!.event.data as BuildCompletedData).entry).toEqual(ENTRY);
  });

  describe('storeAbandonedLog', () => {
    let dir: string;
    beforeEach(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-abandoned-'))));
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('stores the short log, but never over a log the build wrote itself', async () => {
      const store = new FsObjectStore(dir);
      const abandoned = (await abandonedBuild(requested(), 'gave up', NOW, fromIndex))!;
      await storeAbandonedLog(store, abandoned);
      expect((await store.get(abandoned.log.key))!.body.toString()).toEqual(abandoned.log.text);
      await store.put(abandoned.log.key, 'the build own log\n');
      await storeAbandonedLog(store, abandoned);
      expect((await store.get(abandoned.log.key))!.body.toString()).toEqual('the build own log\n');
    });
  });
});

import { BuildRecords } from '../../shared/builds/records';
import { type BuildRecord } from '../../shared/builds/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { EventJournal } from '../../shared/runtime/journal';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { recoverInterruptedBuilds } from './service-recovery';

const entry: ProjectEntry = {
  id: 1,
  appId: 'tests',
  jobId: 'base',
  gitUrl: 'file:///repo',
  gitBranch: 'main',
  gitPath: '.',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: [],
  buildContext: './',
  dependsOn: [],
  source: { file: 'index.d/tests.yaml', line: 2 },
};

function record(buildId: string, status: BuildRecord['status'], extra: Partial<BuildRecord> = {}): BuildRecord {
  const cause = { kind: 'manual' as const, message: 'test' };
  return {
    buildId,
    project: { appId: 'tests', jobId: 'base', desiredTag: 'latest' },
    name: 'tests/base:latest',
    status,
    cause,
    causeChain: [cause],
    entry,
    timings: { queuedAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:01.000Z' },
    links: { log: `reports/tests/base/latest/${buildId}/build.log` },
    updatedAt: '2026-01-01T00:00:01.000Z',
    ...extra,
  };
}

/** The lint.completed of `buildId`, as the broker journals it. */
function lintCompleted(buildId: string): ReturnType<typeof makeEvent> {
  const cause = { kind: 'manual' as const, message: 'test' };
  return makeEvent(
    EventTypes.lintCompleted,
    {
      buildId,
      project: record(buildId, 'queued').project,
      entry,
      commit: 'a'.repeat(40),
      verdict: 'passed',
      blocking: false,
      failureThreshold: 'error',
      counts: { error: 0, warning: 0, info: 0, style: 0 },
      reports: { json: 'j', sarif: 's' },
      cause,
      causeChain: [cause],
    },
    { source: '/ccp/lint', id: `${buildId}/lint` },
  );
}

describe('recoverInterruptedBuilds (a process stopped mid-build)', () => {
  it.each([
    ['retrying on: the journalled one is built again, the other ends interrupted', true, ['b-journalled'], ['b-orphan'], ['b-orphan/build']],
    ['retrying off: both end interrupted; only the one no replay answers gets a build.completed', false, [], ['b-journalled', 'b-orphan'], ['b-orphan/build']],
  ])('%s', async (_name, retry, retried, failed, events) => {
    const store = new TempObjectStore();
    const records = new BuildRecords(store);
    for (const item of [
      record('b-journalled', 'running'),
      record('b-orphan', 'queued'),
      record('b-done', 'succeeded'),
      record('b-job', 'running', { job: { namespace: 'ns', name: 'j' } }),
    ])
      await records.put(item);
    await store.put('reports/tests/base/latest/b-journalled/build.log', '==> build: buildah bud');
    const journal = new EventJournal(store);
    await journal.accept('ccp-build', lintCompleted('b-journalled'));

    const recovery = await recoverInterruptedBuilds({
      store,
      log: silentLogger,
      retry,
      journalled: (await journal.pending()).deliveries,
      now: () => new Date('2026-01-01T00:01:00.000Z'),
    });
    expect([recovery.retried, recovery.failed.sort(), recovery.events.map((event) => event.id)]).toEqual([retried, failed, events]);
    for (const buildId of failed) {
      const ended = (await records.get(record(buildId, 'failed').project, buildId))!;
      expect([ended.status, ended.reason?.startsWith('interrupted: the process running this build stopped'), ended.timings.finishedAt]).toEqual([
        'failed',
        true,
        '2026-01-01T00:01:00.000Z',
      ]);
      expect((await store.get(ended.links.log))!.body.toString()).toMatch(/ccp: build failed: interrupted/);
    }
    expect((await records.get(record('b-job', 'running').project, 'b-job'))!.status).toEqual('running');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { loadConfig } from '../../shared/config/config';
import { planCascade } from './planning/cascade-plan';
import { EventTypes } from '../../shared/events/types';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { DependencyGraph } from '../../shared/graph/dependency-graph';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { FsObjectStore } from '../../shared/store/fs-store';
import { functionContext } from '../../test/support/function-context';
import { dispatchFunction } from './index';
import type { DispatchContext } from './dispatcher-state';
import { startCascade } from './emit';
import { onBuildCompleted } from './on-build-completed';
import { teamEntry } from './__fixtures__/entries';

const entry = (jobId: string, dependsOn: string[] = []): ProjectEntry => teamEntry(jobId, { dependsOn });

const BASE = entry('base');
const APP = entry('app', ['team/base:latest']);

/** A build of `name` ended: the build function's event data, as it would send it. */
function completed(project: ProjectEntry, buildId: string, status: BuildCompletedData['status'], extra: Partial<BuildCompletedData> = {}): BuildCompletedData {
  const at = '2026-11-28T10:00:00.000Z';
  return {
    buildId,
    project: { appId: project.appId, jobId: project.jobId, desiredTag: project.desiredTag },
    entry: project,
    status,
    ...(status === 'failed'
      ? { reason: 'RUN exited with 1' }
      : { image: { ref: `127.0.0.1:5000/team/${project.jobId}:latest`, digest: `sha256:${'b'.repeat(64)}` } }),
    reports: { log: `reports/team/${project.jobId}/latest/${buildId}/build.log` },
    timings: { startedAt: at, finishedAt: at, durationMs: 0 },
    cause: { kind: 'manual', message: 'Requested by an admin' },
    causeChain: [{ kind: 'manual', message: 'Requested by an admin' }],
    ...extra,
  };
}

const ofType = <T>(events: CloudEvent<unknown>[], type: string): T[] => events.filter((event) => event.type === type).map((event) => event.data as T);

describe('the dispatcher on build.completed of a build that replaced queued ones', () => {
  let dir: string;
  let context: DispatchContext;
  let baseBuildInCascade: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-dispatch-replaced-'));
    context = await functionContext(dispatchFunction, loadConfig({ dataDir: dir }, {}), silentLogger, {
      store: new FsObjectStore(path.join(dir, 'store')),
      projects: [BASE, APP],
    });
    const projects = [BASE, APP];
    const planned = planCascade({
      id: 'push-base',
      cause: { kind: 'git-push', message: 'Git commit c0ffee to branch main' },
      seeds: [{ entry: BASE, cause: { kind: 'git-push', message: 'Git commit c0ffee to branch main' } }],
      graph: new DependencyGraph(projects),
      entries: new Map(projects.map((project) => [imageName(project), project])),
      maxInFlight: 10,
      now: new Date('2026-11-28T09:00:00Z'),
    })!;
    const started = ofType<BuildRequestedData>(await startCascade(planned, context), EventTypes.buildRequested);
    expect(started.map((request) => imageName(request.project))).toEqual(['team/base:latest']);
    baseBuildInCascade = started[0]!.buildId!;
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("ends the replaced build in its own cascade with this build's success, and requests the child", async () => {
    const events = await onBuildCompleted(
      completed(BASE, 'manual-1', 'succeeded', { replaces: [{ buildId: baseBuildInCascade, cascade: 'push-base' }] }),
      context,
    );
    const requests = ofType<BuildRequestedData>(events, EventTypes.buildRequested);
    expect(requests.map((request) => [imageName(request.project), request.cause.cascade, request.cause.kind])).toEqual([
      ['team/app:latest', 'push-base', 'parent-rebuilt'],
    ]);
    // The child then ends the cascade: one notice, the parent counted as built by the newer build.
    const end = await onBuildCompleted(completed(APP, requests[0]!.buildId!, 'succeeded', { cause: requests[0]!.cause }), context);
    const [notice] = ofType<NoticeRequestedData>(end, EventTypes.noticeRequested);
    expect(notice!.items.map((item) => [imageName(item.project), item.outcome, item.reason])).toEqual([
      ['team/base:latest', 'succeeded', 'built by build manual-1, which superseded it'],
      ['team/app:latest', 'succeeded', undefined],
    ]);
  });

  it('ends the replaced build as failed when the newer one failed: its subtree is skipped and the cascade ends with one notice', async () => {
    const events = await onBuildCompleted(
      completed(BASE, 'manual-1', 'failed', { replaces: [{ buildId: baseBuildInCascade, cascade: 'push-base' }] }),
      context,
    );
    expect(ofType(events, EventTypes.buildRequested)).toEqual([]);
    const [notice] = ofType<NoticeRequestedData>(events, EventTypes.noticeRequested);
    expect(notice!.items.map((item) => [imageName(item.project), item.outcome, item.reason])).toEqual([
      ['team/base:latest', 'failed', 'superseded by build manual-1, which failed: RUN exited with 1'],
      ['team/app:latest', 'skipped', 'parent team/base:latest failed'],
    ]);
  });

  it('does nothing new when the same build.completed comes again', async () => {
    const data = completed(BASE, 'manual-1', 'succeeded', { replaces: [{ buildId: baseBuildInCascade, cascade: 'push-base' }] });
    const first = await onBuildCompleted(data, context);
    const again = await onBuildCompleted(data, context);
    // The replay repeats the same request (same id), which every receiver drops as a duplicate.
    expect(again.filter((event) => event.type === EventTypes.buildRequested).map((event) => event.id)).toEqual(
      first.filter((event) => event.type === EventTypes.buildRequested).map((event) => event.id),
    );
  });
});

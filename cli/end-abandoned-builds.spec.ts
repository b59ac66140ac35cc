import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recordingFunction, testContext } from '../test/support/test-functions';
import { packageRoot } from '../shared/config/package-root';
import { EventTypes } from '../shared/events/types';
import { makeEvent } from '../shared/events/make';
import { type BuildCompletedData } from '../shared/events/contracts/build-completed';
import type { ProjectEntry } from '../shared/index/types';
import { silentLogger } from '../shared/log/logger';
import { InProcessBroker } from '../shared/runtime/in-process-broker';
import { loadTriggers } from '../shared/runtime/load-triggers';
import { FsObjectStore } from '../shared/store/fs-store';
import { endAbandonedBuilds } from './end-abandoned-builds';

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
const CAUSE = { kind: 'parent-rebuilt' as const, message: 'parent team/base:latest rebuilt', parent: 'team/base:latest', cascade: 'push-base' };

describe('endAbandonedBuilds on the embedded broker (the Triggers of eventing/)', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-abandoned-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("answers a build.requested that lint gave up on with build.completed failed naming the index's entry, which the dispatcher gets before idle()", async () => {
    const store = new FsObjectStore(path.join(dir, 'store'));
    // The index lists ENTRY; the request brings another address to mail.
    const context = { ...testContext(store, dir), findEntry: () => Promise.resolve(ENTRY), listProjects: () => Promise.resolve([ENTRY]) };
    const forged = { ...ENTRY, notifyEmail: ['attacker@example.org'] };
    const lint = recordingFunction('lint', [EventTypes.buildRequested], { failTimes: 1_000 });
    const dispatch = recordingFunction('dispatch', [EventTypes.buildCompleted]);
    const broker = new InProcessBroker({
      routes: await loadTriggers(path.join(packageRoot(), 'eventing')),
      functions: [lint, dispatch],
      context,
      store,
      logger: silentLogger,
      delayScale: 0,
    });
    const stop = endAbandonedBuilds(broker, context, silentLogger);
    await broker.publish(
      makeEvent(
        EventTypes.buildRequested,
        { project: { appId: 'team', jobId: 'app', desiredTag: 'latest' }, entry: forged, buildId: 'b1', cause: CAUSE },
        { source: '/ccp/dispatch', id: 'b1/requested' },
      ),
    );
    await broker.idle();
    stop();
    // Every attempt of the Broker's delivery spec failed, then the dead letter ended the build.
    expect(lint.received.length).toBeGreaterThan(1);
    expect(
      dispatch.received.map((event) => [
        event.id,
        (event.data as BuildCompletedData).status,
        (event.data as BuildCompletedData).reason,
        (event.data as BuildCompletedData).entry,
      ]),
    ).toEqual([['b1/build', 'failed', expect.stringMatching(/^the lint function gave up on this build after its retries: planned failure/), ENTRY]]);
    // The short log is stored beside the event, not before it: wait for it a little.
    let log = await store.get('reports/team/app/latest/b1/build.log');
    for (let tries = 0; !log && tries < 100; tries++)
      log = await new Promise((resolve) => setTimeout(resolve, 10)).then(() => store.get('reports/team/app/latest/b1/build.log'));
    expect(log!.body.toString()).toContain('not built: the lint function gave up');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { createLogger } from '../../shared/log/logger';
import { listDeadLetters } from '../../shared/runtime/dead-letter';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { FsObjectStore } from '../../shared/store/fs-store';
import { testContext } from '../../test/support/test-functions';
import type { FunctionContext } from '../../shared/function/types';
import { createDeadLetterHandler, UNKNOWN_TRIGGER } from './handle';

const FIXTURE_EVENTING = path.join(__dirname, '__fixtures__', 'eventing');
const base64 = (text: string): string => Buffer.from(text).toString('base64');

function deadLetter(id: string, extensions: Record<string, unknown>, type: string = EventTypes.buildRequested): CloudEvent<unknown> {
  return new CloudEvent(
    { specversion: '1.0', id, source: '/ccp/dispatcher', type, time: '2030-01-02T03:04:05.000Z', data: { project: 'not an object' }, ...extensions },
    false,
  );
}

const refusal = JSON.stringify({ error: 'invalid event', errors: [{ field: 'data.project', message: 'must be an object' }] });

describe('dead-letter handler', () => {
  let dir: string;
  let context: FunctionContext;
  let clock: number;
  const handle = createDeadLetterHandler({ loadRoutes: () => loadTriggers(FIXTURE_EVENTING), now: () => new Date(clock) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-dead-letter-'));
    context = testContext(new FsObjectStore(dir), dir);
    clock = Date.parse('2030-06-01T00:00:00.000Z');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [
      'a refusal (400) by a Trigger with the Broker delivery',
      { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '400', knativeerrordata: base64(refusal) },
      {
        trigger: 'ccp-lint',
        function: 'lint',
        attempts: 1,
        retryable: false,
        knativeerrorcode: 400,
        error: { name: 'ValidationError', message: 'invalid event', errors: [{ field: 'data.project', message: 'must be an object' }] },
      },
    ],
    [
      'a failure (500) by a Trigger with the Broker delivery',
      { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '500', knativeerrordata: base64('{"error":"git fetch failed"}') },
      {
        trigger: 'ccp-lint',
        function: 'lint',
        attempts: 4,
        retryable: true,
        knativeerrorcode: 500,
        error: { name: 'KnativeDeliveryError', message: 'git fetch failed' },
      },
    ],
    [
      'a timeout by a Trigger with its own delivery',
      { knativeerrordest: 'http://ccp-scan.ccp.svc.cluster.local', knativeerrorcode: 503 },
      {
        trigger: 'ccp-scan-on-push',
        function: 'scan',
        attempts: 2,
        retryable: true,
        knativeerrorcode: 503,
        error: { name: 'KnativeDeliveryError', message: 'HTTP 503 from http://ccp-scan.ccp.svc.cluster.local' },
      },
    ],
    [
      'a Service of ours that has no Trigger in eventing/',
      { knativeerrordest: 'http://ccp-notify.ccp.svc.cluster.local', knativeerrorcode: '502', knativeerrordata: base64('bad gateway') },
      {
        trigger: 'ccp-notify',
        function: 'notify',
        attempts: 1,
        retryable: true,
        knativeerrorcode: 502,
        error: { name: 'KnativeDeliveryError', message: 'bad gateway' },
      },
    ],
    [
      'a destination that is not ours',
      { knativeerrordest: 'http://fail.default.svc.cluster.local', knativeerrorcode: '500', knativeerrordata: base64('dispatch error: no such host') },
      {
        trigger: UNKNOWN_TRIGGER,
        function: UNKNOWN_TRIGGER,
        attempts: 1,
        retryable: true,
        knativeerrorcode: 500,
        error: { name: 'KnativeDeliveryError', message: 'dispatch error: no such host' },
      },
    ],
    [
      'an event without Knative extensions',
      {},
      {
        trigger: UNKNOWN_TRIGGER,
        function: UNKNOWN_TRIGGER,
        attempts: 1,
        retryable: true,
        knativeerrorcode: 0,
        error: { name: 'KnativeDeliveryError', message: 'the event carries no Knative error extensions' },
      },
    ],
  ])('stores %s', async (_case, extensions, expected) => {
    const emitted = await handle(deadLetter('e-1', extensions), context);
    expect(emitted).toEqual([]);
    const records = await listDeadLetters(context.store);
    expect(records).toEqual([
      {
        ...expected,
        stage: 'delivery',
        event: {
          specversion: '1.0',
          id: 'e-1',
          source: '/ccp/dispatcher',
          type: EventTypes.buildRequested,
          time: '2030-01-02T03:04:05.000Z',
          data: { project: 'not an object' },
        },
        time: '2030-06-01T00:00:00.000Z',
        knativeerrordest: (extensions as { knativeerrordest?: string }).knativeerrordest ?? '',
        ...(['ccp-lint', 'ccp-scan-on-push'].includes(expected.trigger)
          ? { deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'ccp-dead-letter' } } }
          : {}),
      },
    ]);
  });

  const project = { appId: 'team', jobId: 'app', desiredTag: 'latest' };
  const indexed = {
    id: 1,
    ...project,
    gitUrl: 'https://git.example.org/app.git',
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    notifyEmail: ['team@example.org'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'team.yaml', line: 1 },
  };
  /** A context whose index lists `indexed` only. */
  const withIndex = (): FunctionContext => ({
    ...context,
    findEntry: (ref) => Promise.resolve(ref.appId === 'team' && ref.jobId === 'app' && ref.desiredTag === 'latest' ? indexed : null),
    listProjects: () => Promise.resolve([indexed]),
  });

  it("ends a build whose lint.completed the build function gave up on: build.completed failed with the index's entry, and the short log", async () => {
    context = withIndex();
    // The event's entry names another address to mail: the index's is used instead.
    const entry = { ...indexed, notifyEmail: ['attacker@example.org'] };
    const cause = { kind: 'git-push', message: 'Git commit c0ffee to branch main', cascade: 'push-1' };
    const lint = new CloudEvent(
      {
        specversion: '1.0',
        id: 'b7/lint',
        source: '/ccp/lint',
        type: EventTypes.lintCompleted,
        knativeerrordest: 'http://ccp-build.ccp.svc.cluster.local',
        knativeerrorcode: '500',
        knativeerrordata: base64('{"error":"buildah: out of disk"}'),
        data: {
          buildId: 'b7',
          project,
          entry,
          commit: 'c'.repeat(40),
          verdict: 'passed',
          blocking: false,
          failureThreshold: 'error',
          counts: { error: 0, warning: 0, info: 0, style: 0 },
          reports: { json: 'reports/team/app/latest/b7/lint.json', sarif: 'reports/team/app/latest/b7/lint.sarif' },
          cause,
          causeChain: [cause],
        },
      },
      false,
    );
    const [completed, ...more] = await handle(lint, context);
    expect(more).toEqual([]);
    expect([completed?.type, completed?.id, completed?.data]).toEqual([
      EventTypes.buildCompleted,
      'b7/build',
      expect.objectContaining({
        buildId: 'b7',
        status: 'failed',
        reason: 'the build function gave up on this build after its retries: buildah: out of disk',
        cause,
        entry: indexed,
      }),
    ]);
    expect((await context.store.get('reports/team/app/latest/b7/build.log'))!.body.toString()).toContain('not built: the build function gave up');
    expect((await listDeadLetters(context.store)).map((record) => record.event.id)).toEqual(['b7/lint']);
  });

  it.each([
    ['a project the index does not list', withIndex, { appId: 'team', jobId: 'elsewhere', desiredTag: 'latest' }],
    ['any project when there is no index at all', () => context, project],
  ])('ends no build of %s: its entry could only come from the dead event', async (_case, makeContext, named) => {
    context = makeContext();
    const cause = { kind: 'manual', message: 'posted by someone' };
    const requested = new CloudEvent(
      {
        specversion: '1.0',
        id: 'evil/requested',
        source: '/someone',
        type: EventTypes.buildRequested,
        knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local',
        knativeerrorcode: '400',
        data: { buildId: 'evil', project: named, entry: { ...indexed, ...named, notifyEmail: ['attacker@example.org'] }, cause },
      },
      false,
    );
    expect(await handle(requested, context)).toEqual([]);
    expect([
      (await listDeadLetters(context.store)).map((record) => record.event.id),
      await context.store.head('reports/team/elsewhere/latest/evil/build.log'),
    ]).toEqual([['evil/requested'], null]);
  });

  it('stores events of any type, outside the contract too', async () => {
    await handle(deadLetter('e-1', { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '400' }, 'com.example.unknown'), context);
    const [record] = await listDeadLetters(context.store, 'ccp-lint');
    expect(record?.event.type).toBe('com.example.unknown');
  });

  it('overwrites the record when the same dead letter comes again, and keeps apart other events', async () => {
    const extensions = { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '500', knativeerrordata: base64('first') };
    await handle(deadLetter('e-1', extensions), context);
    clock += 60_000;
    await handle(deadLetter('e-1', { ...extensions, knativeerrordata: base64('second') }), context);
    await handle(deadLetter('e-2', extensions), context);
    const { objects } = await context.store.list('deadletters/ccp-lint/');
    expect(objects).toHaveLength(2);
    const records = await listDeadLetters(context.store, 'ccp-lint');
    expect(records.map((record) => [record.event.id, record.error.message, record.time])).toEqual([
      ['e-1', 'second', '2030-06-01T00:00:00.000Z'],
      ['e-2', 'first', '2030-06-01T00:01:00.000Z'],
    ]);
  });

  it('still stores dead letters when the eventing manifests cannot be read', async () => {
    const lines: string[] = [];
    const broken = createDeadLetterHandler({ loadRoutes: () => loadTriggers(path.join(dir, 'missing')) });
    context.log = createLogger({ write: (line) => lines.push(line) });
    await broken(deadLetter('e-1', { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '500' }), context);
    const [record] = await listDeadLetters(context.store, 'ccp-lint');
    expect([record?.function, record?.attempts]).toEqual(['lint', 1]);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['cannot read the eventing manifests', 'dead letter stored']);
  });

  it('reads the package eventing/ by default: the lint Trigger and the Broker dead-letter sink', async () => {
    const routes = await loadTriggers(path.join(__dirname, '..', '..', 'eventing'));
    const lint = routes.find((route) => route.name === 'ccp-lint');
    await createDeadLetterHandler()(deadLetter('e-1', { knativeerrordest: 'http://ccp-lint.ccp.svc.cluster.local', knativeerrorcode: '500' }), context);
    const [record] = await listDeadLetters(context.store, 'ccp-lint');
    expect([record?.function, record?.attempts, record?.deadLetterSink]).toEqual(['lint', 1 + lint!.delivery.retry, lint!.delivery.deadLetterSink]);
  });
});

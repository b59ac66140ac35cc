import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { buildRequested, recordingFunction, relayFunction, scanRequested, testContext } from '../../test/support/test-functions';
import type { FunctionDefinition } from '../function/types';
import { ValidationError, type Issue } from '../errors/validation-error';
import { EventTypes } from '../events/types';
import { makeEvent } from '../events/make';
import { createLogger } from '../log/logger';
import type { ObjectStore } from '../store/types';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { parseChaos } from './chaos';
import { listDeadLetters } from './dead-letter';
import { compileAttributesFilter, compileFilters } from './filters/api';
import { InProcessBroker, type InProcessBrokerOptions } from './in-process-broker';
import { EventJournal, JOURNAL_PREFIX } from './journal';
import { loadTriggers } from './load-triggers';
import type { DeliverySpec, TriggerRoute } from './types';

/** Waits (bounded) until `condition` holds: the store is a real one, so deliveries take real I/O. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const NO_RETRY: DeliverySpec = { retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 1000 };

/** A Trigger `ccp-<fn>` on broker ccp; `filter` is a `spec.filters` list or an attributes map. */
function route(functionName: string, filter: unknown[] | Record<string, string>, delivery: DeliverySpec = NO_RETRY): TriggerRoute {
  const issues: Issue[] = [];
  const matches = Array.isArray(filter)
    ? compileFilters(filter, 'test', 'spec.filters', issues)
    : compileAttributesFilter(filter, 'test', 'spec.filter.attributes', issues);
  if (issues.length > 0) throw new ValidationError('bad test route', issues);
  const name = `ccp-${functionName}`;
  return { name, broker: 'ccp', file: 'test', filterSpec: filter, matches, subscriber: { service: name, functionName }, delivery };
}

interface Harness {
  broker: InProcessBroker;
  store: ObjectStore;
  /** Every delay the broker asked to sleep, after scaling. */
  sleeps: number[];
}

function harness(routes: TriggerRoute[], functions: FunctionDefinition[], extra: Partial<InProcessBrokerOptions> & { store?: ObjectStore } = {}): Harness {
  const store = extra.store ?? new TempObjectStore();
  const sleeps: number[] = [];
  const broker = new InProcessBroker({
    routes,
    functions,
    context: testContext(store),
    store,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { broker, store, sleeps };
}

/** A promise and the function that resolves it: holds a handler until the test lets it go. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

describe('InProcessBroker routing', () => {
  const lintCompleted = (): CloudEvent<unknown> =>
    makeEvent(EventTypes.tickWeekly, undefined, { source: '/ccp/lint', id: 'r-1', subject: 'app/job:latest' }).cloneWith({
      type: 'org.centos.ccp.tick.repo-poll',
      ccpcause: 'git-push',
    });

  it.each([
    ['attributes: type', true, { type: 'org.centos.ccp.tick.repo-poll' }],
    ['attributes: type and source', false, { type: 'org.centos.ccp.tick.repo-poll', source: '/ccp/build' }],
    ['attributes: an extension', true, { ccpcause: 'git-push' }],
    ['exact', true, [{ exact: { source: '/ccp/lint' } }]],
    ['exact, other value', false, [{ exact: { source: '/ccp/scan' } }]],
    ['prefix', true, [{ prefix: { type: 'org.centos.ccp.tick.' } }]],
    ['suffix', true, [{ suffix: { subject: ':latest' } }]],
    ['suffix, other value', false, [{ suffix: { subject: ':testing' } }]],
    ['all', true, [{ all: [{ exact: { source: '/ccp/lint' } }, { prefix: { type: 'org.' } }] }]],
    ['any', true, [{ any: [{ exact: { source: '/ccp/scan' } }, { exact: { ccpcause: 'git-push' } }] }]],
    ['not', false, [{ not: { exact: { source: '/ccp/lint' } } }]],
  ] as Array<[string, boolean, unknown[] | Record<string, string>]>)('%s → delivered: %s', async (_label, delivered, filter) => {
    const target = recordingFunction('target', []);
    const { broker } = harness([route('target', filter)], [target]);
    await broker.publish(lintCompleted());
    await broker.idle();
    expect(target.received.map((event) => event.id)).toEqual(delivered ? ['r-1'] : []);
  });

  it('delivers one event to every matching Trigger', async () => {
    const lint = recordingFunction('lint', []);
    const audit = recordingFunction('audit', []);
    const scan = recordingFunction('scan', []);
    const { broker } = harness(
      [
        route('lint', { type: EventTypes.buildRequested }),
        route('audit', [{ prefix: { type: 'org.centos.ccp.' } }]),
        route('scan', { type: EventTypes.scanRequested }),
      ],
      [lint, audit, scan],
    );
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect([lint.received.length, audit.received.length, scan.received.length]).toEqual([1, 1, 0]);
  });

  it('routes by the manifests of eventing/: build.requested reaches the lint function', async () => {
    const lint = recordingFunction('lint', [EventTypes.buildRequested]);
    const { broker } = harness(await loadTriggers(path.join(__dirname, '../../eventing')), [lint]);
    expect(broker.routes.map((r) => r.name)).toContain('ccp-lint');
    await broker.publish(buildRequested('b-1'));
    await broker.publish(scanRequested('s-1'));
    await broker.idle();
    expect(lint.received.map((event) => event.type)).toEqual([EventTypes.buildRequested]);
  });

  it('ignores (with a warning) a Trigger whose function is not registered', async () => {
    const lines: string[] = [];
    const { broker } = harness([route('ghost', {})], [], { logger: createLogger({ write: (line) => lines.push(line), level: 'debug' }) });
    expect(broker.routes).toEqual([]);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ level: 'warn', trigger: 'ccp-ghost', functionName: 'ghost' }));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
  });

  it('rejects an invalid event with the ValidationError and delivers nothing', async () => {
    const target = recordingFunction('target', []);
    const { broker } = harness([route('target', {})], [target]);
    const unknown = buildRequested('b-1').cloneWith({ type: 'org.centos.ccp.nope' });
    await expect(broker.publish(unknown)).rejects.toThrow(ValidationError);
    const badData = makeEvent(EventTypes.buildRequested, { project: { appId: 'a' } } as never, { source: '/t', id: 'x' });
    await expect(broker.publish(badData)).rejects.toMatchObject({
      errors: expect.arrayContaining([{ field: 'data.project.jobId', message: 'must be a non-empty string' }]),
    });
    await broker.idle();
    expect(target.received).toEqual([]);
  });
});

describe('InProcessBroker delivery', () => {
  it.each([
    ['linear', [0, 1000, 2000]],
    ['exponential', [1000, 2000, 4000]],
  ] as const)('%s backoff waits %j between attempts, then dead-letters', async (backoffPolicy, delays) => {
    const failing = recordingFunction('flaky', [], { failTimes: 100 });
    const { broker, sleeps, store } = harness([route('flaky', {}, { retry: 3, backoffPolicy, backoffDelayMs: 1000 })], [failing]);
    const retries: number[] = [];
    broker.on('retry', ({ delayMs }) => retries.push(delayMs));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(sleeps).toEqual(delays);
    expect(retries).toEqual(delays);
    expect(failing.received).toHaveLength(4);
    expect(await listDeadLetters(store, 'ccp-flaky')).toHaveLength(1);
  });

  it('scales the delays by delayScale', async () => {
    const failing = recordingFunction('flaky', [], { failTimes: 2 });
    const { broker, sleeps } = harness([route('flaky', {}, { retry: 5, backoffPolicy: 'exponential', backoffDelayMs: 1000 })], [failing], { delayScale: 0.5 });
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(sleeps).toEqual([500, 1000]);
  });

  it('retries a failing function until it succeeds, without a dead letter', async () => {
    const flaky = recordingFunction('flaky', [], { failTimes: 2 });
    const { broker, store } = harness([route('flaky', {}, { retry: 5, backoffPolicy: 'linear', backoffDelayMs: 10 })], [flaky]);
    const delivered: number[] = [];
    broker.on('delivered', ({ attempts }) => delivered.push(attempts));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(delivered).toEqual([3]);
    expect(flaky.received).toHaveLength(3);
    expect(await listDeadLetters(store)).toEqual([]);
  });

  it('stores a readable dead letter when the retries are exhausted', async () => {
    const failing = recordingFunction('flaky', [], { failTimes: 100 });
    const now = new Date('2024-03-04T05:06:07.089Z');
    const sink = { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'ccp-dead-letter' } };
    const { broker, store } = harness([route('flaky', {}, { retry: 2, backoffPolicy: 'linear', backoffDelayMs: 1, deadLetterSink: sink })], [failing], {
      now: () => now,
    });
    const keys: Array<string | null> = [];
    broker.on('dead-letter', ({ key }) => keys.push(key));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(keys).toEqual([expect.stringMatching(/^deadletters\/ccp-flaky\/2024-03-04T05-06-07-089Z-[0-9a-f]{32}\.json$/)]);
    const [record] = await listDeadLetters(store, 'ccp-flaky');
    expect(record).toEqual({
      trigger: 'ccp-flaky',
      function: 'flaky',
      stage: 'delivery',
      event: expect.objectContaining({ id: 'b-1', source: '/test', type: EventTypes.buildRequested }),
      error: { name: 'Error', message: 'planned failure, 97 left' },
      attempts: 3,
      retryable: true,
      time: '2024-03-04T05:06:07.089Z',
      knativeerrordest: 'ccp-flaky',
      knativeerrorcode: 500,
      deadLetterSink: sink,
    });
  });

  it('dead-letters a ValidationError at once, without retrying', async () => {
    const refusing = recordingFunction('picky', [], { refuse: true });
    const { broker, store, sleeps } = harness([route('picky', {}, { retry: 5, backoffPolicy: 'exponential', backoffDelayMs: 1000 })], [refusing]);
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(refusing.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    const [record] = await listDeadLetters(store, 'ccp-picky');
    expect(record).toMatchObject({
      attempts: 1,
      retryable: false,
      knativeerrorcode: 400,
      error: { name: 'ValidationError', errors: [{ field: 'data.project', message: 'not wanted' }] },
    });
  });

  it('times an attempt out after delivery.timeout and retries it', async () => {
    const stuck = gate();
    const slow = recordingFunction('slow', [], { wait: stuck.wait });
    const { broker, store } = harness([route('slow', {}, { retry: 1, backoffPolicy: 'linear', backoffDelayMs: 0, timeoutMs: 5 })], [slow]);
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    stuck.open();
    expect(slow.received).toHaveLength(2);
    expect((await listDeadLetters(store, 'ccp-slow'))[0]).toMatchObject({ attempts: 2, error: { name: 'DeliveryTimeoutError' } });
  });
});

describe('InProcessBroker delivery guarantees', () => {
  it("delivers a redelivered event again (at least once, as Knative): deduplication is the functions' job", async () => {
    const lint = recordingFunction('lint', []);
    const { broker } = harness([route('lint', {})], [lint]);
    await broker.publish(buildRequested('b-1'));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(lint.received.map((event) => event.id)).toEqual(['b-1', 'b-1']);
  });

  it('journals a delivery before publish resolves and forgets it once handled', async () => {
    const held = gate();
    const lint = recordingFunction('lint', [], { wait: held.wait });
    const { broker, store } = harness([route('lint', {})], [lint]);
    await broker.publish(buildRequested('b-1'));
    const pending = await new EventJournal(store).pending();
    expect(pending.deliveries.map(({ trigger, event, attempts }) => [trigger, event.id, attempts])).toEqual([['ccp-lint', 'b-1', 0]]);
    held.open();
    await broker.idle();
    expect((await store.list(JOURNAL_PREFIX)).objects).toEqual([]);
  });

  it('replays what a stopped broker left in the journal, counting the cut attempt', async () => {
    const store = new TempObjectStore();
    const stuck = recordingFunction('lint', [], { wait: () => new Promise<void>(() => undefined) });
    await harness([route('lint', {}, { retry: 2, backoffPolicy: 'linear', backoffDelayMs: 0 })], [stuck], { store }).broker.publish(buildRequested('b-1'));
    // The first broker never ends its delivery, as a process killed mid-handler.
    const second = recordingFunction('lint', []);
    const restarted = harness([route('lint', {}, { retry: 2, backoffPolicy: 'linear', backoffDelayMs: 0 })], [second], { store }).broker;
    const delivered: number[] = [];
    restarted.on('delivered', ({ attempts }) => delivered.push(attempts));
    expect(await restarted.replay()).toBe(1);
    await restarted.idle();
    expect(second.received.map((event) => event.id)).toEqual(['b-1']);
    expect(delivered).toEqual([2]);
    expect((await store.list(JOURNAL_PREFIX)).objects).toEqual([]);
  });

  it('dead-letters a replayed delivery whose attempts were all cut short', async () => {
    const store = new TempObjectStore();
    await new EventJournal(store).accept('ccp-lint', buildRequested('b-1'), 1);
    const lint = recordingFunction('lint', []);
    const { broker } = harness([route('lint', {}, { retry: 1, backoffPolicy: 'linear', backoffDelayMs: 0 })], [lint], { store });
    await broker.replay();
    await broker.idle();
    expect(lint.received).toEqual([]);
    expect((await listDeadLetters(store, 'ccp-lint')).map((letter) => [letter.attempts, letter.error.message])).toEqual([
      [2, 'the delivery was cut short by restarts or failures 2 times'],
    ]);
    expect((await store.list(JOURNAL_PREFIX)).objects).toEqual([]);
  });

  it.each([
    ['every delivery twice', 'redeliver:1', 2],
    ['no redelivery, delays and parallel deliveries', 'delay:0-5ms,reorder,parallel:2', 1],
  ])('under CCP_CHAOS (%s: %s) delivers each event %d times', async (_name, chaos, times) => {
    const lint = recordingFunction('lint', []);
    const { broker, store } = harness([route('lint', {})], [lint], { chaos: parseChaos(chaos) });
    for (const id of ['b-1', 'b-2', 'b-3']) await broker.publish(buildRequested(id));
    await broker.idle();
    expect(lint.received.map((event) => event.id).sort()).toEqual(['b-1', 'b-2', 'b-3'].flatMap((id) => Array<string>(times).fill(id)));
    expect((await store.list(JOURNAL_PREFIX)).objects).toEqual([]);
  });
});

describe('InProcessBroker chains, concurrency and idle', () => {
  it("routes function A's output to function B", async () => {
    const relay = relayFunction();
    const scanner = recordingFunction('scanner', []);
    const { broker } = harness([route('relay', { type: EventTypes.buildRequested }), route('scanner', { type: EventTypes.scanRequested })], [relay, scanner]);
    const delivered: string[] = [];
    broker.on('delivered', ({ trigger, emitted }) => delivered.push(`${trigger}:${emitted.length}`));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(scanner.received.map((event) => [event.id, event.type, event.source])).toEqual([['b-1-scan', EventTypes.scanRequested, '/ccp/relay']]);
    expect(delivered).toEqual(['ccp-relay:1', 'ccp-scanner:0']);
  });

  it('dead-letters an invalid reply and still counts the delivery', async () => {
    const broken = recordingFunction('broken', [], { emit: () => [buildRequested('bad').cloneWith({ type: 'org.centos.ccp.nope' })] });
    const { broker, store } = harness([route('broken', { type: EventTypes.buildRequested })], [broken]);
    const outcomes: string[] = [];
    broker.on('delivered', () => outcomes.push('delivered'));
    broker.on('dead-letter', ({ record }) => outcomes.push(`dead-letter:${record.stage}`));
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect(outcomes).toEqual(['dead-letter:reply', 'delivered']);
    expect((await listDeadLetters(store, 'ccp-broken'))[0]).toMatchObject({
      stage: 'reply',
      event: { id: 'bad', type: 'org.centos.ccp.nope' },
      retryable: false,
    });
  });

  it('idle() waits for queued, in-flight and chained work, and resolves at once when there is none', async () => {
    await expect(harness([], []).broker.idle()).resolves.toBeUndefined();
    const hold = gate();
    const relay = relayFunction({ wait: hold.wait });
    const scanner = recordingFunction('scanner', []);
    const { broker } = harness([route('relay', { type: EventTypes.buildRequested }), route('scanner', { type: EventTypes.scanRequested })], [relay, scanner]);
    await broker.publish(buildRequested('b-1'));
    let idle = false;
    const idling = broker.idle().then(() => (idle = true));
    await until(() => relay.received.length === 1);
    expect([idle, relay.received.length]).toEqual([false, 1]);
    hold.open();
    await idling;
    expect(scanner.received).toHaveLength(1);
  });

  it('runs at most `concurrency` handler calls of a Trigger at once', async () => {
    let running = 0;
    let peak = 0;
    const hold = gate();
    const busy: FunctionDefinition = {
      name: 'busy',
      accepts: [],
      async handle() {
        running += 1;
        peak = Math.max(peak, running);
        await hold.wait();
        running -= 1;
        return [];
      },
    };
    const { broker } = harness([route('busy', {})], [busy], { concurrency: 2 });
    for (let i = 0; i < 5; i += 1) await broker.publish(buildRequested(`b-${i}`));
    await until(() => running === 2);
    // Give the other three a chance to start, were the limit not enforced.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(running).toBe(2);
    hold.open();
    await broker.idle();
    expect([peak, running]).toEqual([2, 0]);
  });

  it('logs one line per delivery attempt with id, type, subject, trigger, attempt, outcome and duration', async () => {
    const lines: string[] = [];
    const flaky = recordingFunction('flaky', [], { failTimes: 1 });
    const { broker } = harness([route('flaky', {}, { retry: 1, backoffPolicy: 'linear', backoffDelayMs: 0 })], [flaky], {
      logger: createLogger({ write: (line) => lines.push(line) }),
    });
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    const deliveries = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'delivery');
    expect(deliveries).toEqual([
      expect.objectContaining({
        eventId: 'b-1',
        eventType: EventTypes.buildRequested,
        subject: 'app/job:latest',
        trigger: 'ccp-flaky',
        attempt: 1,
        outcome: 'retry',
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ eventId: 'b-1', trigger: 'ccp-flaky', attempt: 2, outcome: 'delivered', durationMs: expect.any(Number) }),
    ]);
  });
});

describe('InProcessBroker contexts', () => {
  it('builds each function its context once, from an async factory', async () => {
    const store = new TempObjectStore();
    const built: string[] = [];
    const seen: string[] = [];
    const probe = (name: string): FunctionDefinition => ({
      name,
      accepts: [],
      handle: async (_event, context) => {
        seen.push(`${name}:${context.config.dataDir}`);
        return [];
      },
    });
    const broker = new InProcessBroker({
      routes: [route('a', {}), route('b', {})],
      functions: [probe('a'), probe('b')],
      store,
      context: async (definition) => {
        built.push(definition.name);
        return testContext(store, `/tmp/ccp-${definition.name}`);
      },
    });
    await broker.publish(buildRequested('b-1'));
    await broker.publish(buildRequested('b-2'));
    await broker.idle();
    expect(built.sort()).toEqual(['a', 'b']);
    expect(seen.sort()).toEqual(['a:/tmp/ccp-a', 'a:/tmp/ccp-a', 'b:/tmp/ccp-b', 'b:/tmp/ccp-b']);
  });

  it("makes a function's services once, with its context, hands them to every delivery and releases them once", async () => {
    const store = new TempObjectStore();
    const made: string[] = [];
    const released: string[] = [];
    const seen: unknown[] = [];
    const counting: FunctionDefinition<{ counter: { name: string } }> = {
      name: 'a',
      accepts: [],
      services: (base) => (made.push(base.config.dataDir), { counter: { name: 'the one' } }),
      disposeServices: async (services) => void released.push(services.counter.name),
      handle: async (_event, context) => (seen.push(context.counter), []),
    };
    const broker = new InProcessBroker({ routes: [route('a', {})], functions: [counting], store, context: testContext(store, '/tmp/ccp-a') });
    await broker.publish(buildRequested('s-1'));
    await broker.publish(buildRequested('s-2'));
    await broker.idle();
    const context = await broker.contextOf(counting);
    expect([made, seen, context.counter]).toEqual([['/tmp/ccp-a'], [{ name: 'the one' }, { name: 'the one' }], { name: 'the one' }]);
    expect(seen[0]).toBe(context.counter);
    await broker.disposeServices();
    await broker.disposeServices();
    expect(released).toEqual(['the one']);
    await expect(broker.contextOf({ ...counting, name: 'elsewhere' })).rejects.toThrow('function elsewhere is not registered with this broker');
  });
});

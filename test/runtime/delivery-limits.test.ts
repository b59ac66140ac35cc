import { HTTP, type CloudEvent } from 'cloudevents';
import { buildRequested, testContext } from '../support/test-functions';
import type { FunctionContext, FunctionDefinition } from '../../shared/function/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { startFunctionServer } from '../../shared/host/function-server';
import { DEFAULT_DELIVERY_TIMEOUT_MS } from '../../shared/runtime/delivery';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { listDeadLetters } from '../../shared/runtime/dead-letter';
import { type DeliverySpec, type TriggerRoute } from '../../shared/runtime/types';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';

/** A function that records each call's signal and waits until it is aborted (work that would run for ever). */
function waitingForAbort(name: string): FunctionDefinition & { reasons: unknown[] } {
  const reasons: unknown[] = [];
  return {
    name,
    accepts: [EventTypes.buildRequested],
    reasons,
    handle: (_event: CloudEvent<unknown>, context: FunctionContext) =>
      new Promise((resolve) => {
        context.signal!.addEventListener('abort', () => {
          reasons.push((context.signal!.reason as Error).name);
          resolve([]);
        });
      }),
  };
}

function routeTo(name: string, delivery: DeliverySpec): TriggerRoute {
  return {
    name: `ccp-${name}`,
    broker: 'ccp',
    file: 'test',
    filterSpec: {},
    matches: () => true,
    subscriber: { service: `ccp-${name}`, functionName: name },
    delivery,
  };
}

describe('per-delivery limits', () => {
  it('the in-process broker aborts a handler past the Trigger timeout (context.signal), retries, then dead-letters it', async () => {
    const store = new TempObjectStore();
    const slow = waitingForAbort('slow');
    const broker = new InProcessBroker({
      routes: [routeTo('slow', { retry: 1, backoffPolicy: 'linear', backoffDelayMs: 0, timeoutMs: 50 })],
      functions: [slow],
      context: testContext(store),
      store,
    });
    await broker.publish(buildRequested('b-1'));
    await broker.idle();
    expect([slow.reasons, (await listDeadLetters(store, 'ccp-slow')).map((record) => [record.attempts, record.error.name])]).toEqual([
      ['DeliveryTimeoutError', 'DeliveryTimeoutError'],
      [[2, 'DeliveryTimeoutError']],
    ]);
  });

  it('the in-process broker limits a handler whose Trigger sets no timeout when given deliveryTimeoutMs (the function server: 10 min by default)', async () => {
    const store = new TempObjectStore();
    const slow = waitingForAbort('slow');
    const broker = new InProcessBroker({
      routes: [routeTo('slow', { retry: 0, backoffPolicy: 'linear', backoffDelayMs: 0 })],
      functions: [slow],
      context: testContext(store),
      store,
      deliveryTimeoutMs: 50,
    });
    await broker.publish(buildRequested('b-4'));
    await broker.idle();
    expect([slow.reasons, (await listDeadLetters(store, 'ccp-slow')).map((record) => record.error.message), DEFAULT_DELIVERY_TIMEOUT_MS]).toEqual([
      ['DeliveryTimeoutError'],
      ["no answer within 50 ms (the delivery's time limit)"],
      600_000,
    ]);
  });

  it('the in-process broker holds emitted events to the 1 MiB bound: the reply is dead-lettered, the delivery still counts', async () => {
    const store = new TempObjectStore();
    const huge = makeEvent(
      EventTypes.gitPush,
      { repoUrl: 'https://x/y', branch: 'main', commit: 'abc', changedPaths: Array.from({ length: 60_000 }, (_, i) => `a/long/enough/path/${i}`) },
      { source: '/ccp/big', id: 'huge' },
    );
    const big: FunctionDefinition = { name: 'big', accepts: [EventTypes.buildRequested], handle: async () => [huge] };
    const broker = new InProcessBroker({
      routes: [routeTo('big', { retry: 0, backoffPolicy: 'linear', backoffDelayMs: 0 })],
      functions: [big],
      context: testContext(store),
      store,
    });
    const delivered: number[] = [];
    broker.on('delivered', ({ attempts }) => delivered.push(attempts));
    await broker.publish(buildRequested('b-2'));
    await broker.idle();
    const [record] = await listDeadLetters(store, 'ccp-big');
    expect([delivered, record?.stage, record?.error.errors?.map((issue) => issue.field)]).toEqual([[1], 'reply', ['data']]);
  });

  it('the function server answers 504 past its delivery time limit, aborts the handler, and keeps answering', async () => {
    const slow = waitingForAbort('slow');
    const server = await startFunctionServer(slow, testContext(new TempObjectStore()), { port: 0, host: '127.0.0.1', deliveryTimeoutMs: 100 });
    try {
      const message = HTTP.binary(buildRequested('b-3'));
      const started = Date.now();
      const response = await fetch(`${server.url}/`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
      const elapsed = Date.now() - started;
      const liveness = await fetch(`${server.url}/health/liveness`);
      expect([response.status, await response.json(), slow.reasons, liveness.status, elapsed < 5000]).toEqual([
        504,
        { error: "no answer within 100 ms (the delivery's time limit)" },
        ['DeliveryTimeoutError'],
        200,
        true,
      ]);
    } finally {
      await server.close();
    }
  });
});

import { buildRequested, recordingFunction, relayFunction, testContext } from '../../test/support/test-functions';
import { ValidationError, type Issue } from '../errors/validation-error';
import { EventTypes } from '../events/types';
import { compileAttributesFilter } from '../runtime/filters/api';
import { InProcessBroker } from '../runtime/in-process-broker';
import type { DeliverySpec, TriggerRoute } from '../runtime/types';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { metricValue } from './__fixtures__/read-metric';
import { observeBroker } from './broker-observer';
import { createMetrics } from './metrics';
import { METRIC_NAMES } from './names';

const ONE_RETRY: DeliverySpec = { retry: 1, backoffPolicy: 'linear', backoffDelayMs: 1 };

function route(functionName: string, type: string): TriggerRoute {
  const issues: Issue[] = [];
  const matches = compileAttributesFilter({ type }, 'test', 'spec.filter.attributes', issues);
  if (issues.length > 0) throw new ValidationError('bad test route', issues);
  const name = `ccp-${functionName}`;
  return { name, broker: 'ccp', file: 'test', filterSpec: { type }, matches, subscriber: { service: name, functionName }, delivery: ONE_RETRY };
}

function brokerWith(...functions: ReturnType<typeof recordingFunction>[]): InProcessBroker {
  const store = new TempObjectStore();
  return new InProcessBroker({
    routes: functions.map((definition) => route(definition.name, definition.accepts[0]!)),
    functions,
    context: testContext(store),
    store,
    sleep: async () => undefined,
  });
}

describe('observeBroker (a real in-process broker)', () => {
  it('counts events in and out by type and each delivery by function', async () => {
    const relay = relayFunction();
    const sink = recordingFunction('sink', [EventTypes.scanRequested]);
    const broker = brokerWith(relay, sink);
    const metrics = createMetrics();
    observeBroker(broker, metrics);
    await broker.publish(buildRequested('e-1'));
    await broker.idle();
    expect([
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.buildRequested }),
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.scanRequested }),
      await metricValue(metrics, METRIC_NAMES.eventsEmitted, { type: EventTypes.scanRequested }),
      await metricValue(metrics, `${METRIC_NAMES.handlerDuration}_count`, { function: 'relay', outcome: 'ok' }),
      await metricValue(metrics, `${METRIC_NAMES.handlerDuration}_count`, { function: 'sink', outcome: 'ok' }),
    ]).toEqual([1, 1, 1, 1, 1]);
  });

  it('counts retries and dead letters as failures of the function, and dead letters by Trigger', async () => {
    const broken = recordingFunction('broken', [EventTypes.buildRequested], { failTimes: 5 });
    const broker = brokerWith(broken);
    const metrics = createMetrics();
    observeBroker(broker, metrics);
    await broker.publish(buildRequested('e-2'));
    await broker.idle();
    expect([
      await metricValue(metrics, METRIC_NAMES.handlerFailures, { function: 'broken', reason: 'retry' }),
      await metricValue(metrics, METRIC_NAMES.handlerFailures, { function: 'broken', reason: 'dead-letter' }),
      await metricValue(metrics, METRIC_NAMES.deadLetters, { trigger: 'ccp-broken' }),
    ]).toEqual([1, 1, 1]);
  });

  it('reports the deliveries not yet settled as the queue depth, and observes a broker once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = recordingFunction('slow', [EventTypes.buildRequested], { wait: () => held });
    const broker = brokerWith(slow);
    const metrics = createMetrics();
    observeBroker(broker, metrics);
    observeBroker(broker, metrics);
    await broker.publish(buildRequested('e-3'));
    await broker.publish(buildRequested('e-4'));
    expect(await metricValue(metrics, METRIC_NAMES.queueDepth, { component: 'broker' })).toBe(2);
    release();
    await broker.idle();
    expect(await metricValue(metrics, METRIC_NAMES.queueDepth, { component: 'broker' })).toBe(0);
    expect(await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.buildRequested })).toBe(2);
  });
});

import { CloudEvent } from 'cloudevents';
import { EventTypes } from '../events/types';
import { metricValue } from './__fixtures__/read-metric';
import { DeferredMetrics, MAX_PENDING_RECORDS } from './deferred';
import { createMetrics, type CcpMetrics } from './metrics';
import { METRIC_NAMES } from './names';
import { recordDeadLetter, recordReceived } from './observe';

function event(type: string): CloudEvent<unknown> {
  return new CloudEvent({ id: 'e-1', source: '/test', type, data: {} }, false);
}

/** A deferred registry that counts how often it was made. */
function counted(): { deferred: DeferredMetrics; made: () => number } {
  let made = 0;
  const deferred = new DeferredMetrics(() => {
    made++;
    return createMetrics();
  });
  return { deferred, made: () => made };
}

describe('DeferredMetrics (real prom-client registries)', () => {
  it('makes the registry on the first scrape, once, with every record that waited', async () => {
    const { deferred, made } = counted();
    deferred.record((metrics) => recordReceived(metrics, event(EventTypes.buildRequested)));
    deferred.record((metrics) => recordReceived(metrics, event(EventTypes.buildRequested)));
    deferred.record((metrics) => recordDeadLetter(metrics, 'ccp-lint'));
    const before = made();
    const metrics = deferred.metrics();
    deferred.metrics();
    expect([
      before,
      made(),
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.buildRequested }),
      await metricValue(metrics, METRIC_NAMES.deadLetters, { trigger: 'ccp-lint' }),
    ]).toEqual([0, 1, 2, 1]);
  });

  it('writes in the order recorded, before and after the registry is made', () => {
    const order: string[] = [];
    const { deferred } = counted();
    deferred.record(() => order.push('first'));
    deferred.record(() => order.push('second'));
    deferred.metrics();
    deferred.record(() => order.push('third'));
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it(`makes the registry when more than ${MAX_PENDING_RECORDS} records wait, so an unscraped process keeps none`, async () => {
    const { deferred, made } = counted();
    let seen: CcpMetrics | undefined;
    for (let i = 0; i < MAX_PENDING_RECORDS; i++) deferred.record((metrics) => recordDeadLetter(metrics, 'ccp-scan'));
    const atLimit = made();
    deferred.record((metrics) => {
      recordDeadLetter(metrics, 'ccp-scan');
      seen = metrics;
    });
    expect([atLimit, made(), seen === undefined ? 0 : await metricValue(seen, METRIC_NAMES.deadLetters, { trigger: 'ccp-scan' })]).toEqual([
      0,
      1,
      MAX_PENDING_RECORDS + 1,
    ]);
  });

  it('writes into a registry given already made (a test server) at once', async () => {
    const metrics = createMetrics();
    DeferredMetrics.of(metrics).record((made) => recordReceived(made, event(EventTypes.scanRequested)));
    expect(await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.scanRequested })).toBe(1);
  });
});

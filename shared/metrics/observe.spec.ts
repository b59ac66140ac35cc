import { CloudEvent } from 'cloudevents';
import { EventTypes } from '../events/types';
import { metricValue } from './__fixtures__/read-metric';
import { createMetrics, trackQueueDepth } from './metrics';
import { METRIC_NAMES } from './names';
import { markTickSucceeded, recordDeadLetter, recordEmitted, recordHandled, recordReceived } from './observe';

function event(type: string, data: unknown = {}): CloudEvent<unknown> {
  return new CloudEvent({ id: 'e-1', source: '/test', type, data }, false);
}

const buildCompleted = (status: string, durationMs?: number): CloudEvent<unknown> =>
  event(EventTypes.buildCompleted, { buildId: 'b', status, ...(durationMs === undefined ? {} : { timings: { durationMs } }) });

describe('recording what the functions do', () => {
  it('counts received and emitted events by type, and types outside the contract as other', async () => {
    const metrics = createMetrics();
    recordReceived(metrics, event(EventTypes.buildRequested));
    recordReceived(metrics, event(EventTypes.buildRequested));
    recordReceived(metrics, event('com.example.whatever'));
    recordEmitted(metrics, event(EventTypes.lintCompleted));
    expect([
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: EventTypes.buildRequested }),
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: 'other' }),
      await metricValue(metrics, METRIC_NAMES.eventsReceived, { type: 'com.example.whatever' }),
      await metricValue(metrics, METRIC_NAMES.eventsEmitted, { type: EventTypes.lintCompleted }),
    ]).toEqual([2, 1, 0, 1]);
  });

  it.each([
    ['succeeded with timings', buildCompleted('succeeded', 90_000), 'succeeded', 1, 90],
    ['failed with timings', buildCompleted('failed', 4_000), 'failed', 1, 4],
    ['without timings', buildCompleted('succeeded'), 'succeeded', 0, 0],
    ['with an unknown status (counted as failed)', buildCompleted('exploded', 1_000), 'failed', 1, 1],
  ])('build.completed %s: counts the build and observes its duration', async (_case, completed, status, observed, seconds) => {
    const metrics = createMetrics();
    recordEmitted(metrics, completed);
    expect([
      await metricValue(metrics, METRIC_NAMES.buildsCompleted, { status }),
      await metricValue(metrics, `${METRIC_NAMES.buildDuration}_count`, { status }),
      await metricValue(metrics, `${METRIC_NAMES.buildDuration}_sum`, { status }),
    ]).toEqual([1, observed, seconds]);
  });

  it.each([
    ['ok', { rpm: { status: 'ok', findings: 2 }, pip: { status: 'skipped', findings: 0 } }],
    ['failed', { rpm: { status: 'failed', findings: 0 }, pip: { status: 'ok', findings: 0 } }],
  ])('scan.completed whose scanners end %s', async (outcome, scanners) => {
    const metrics = createMetrics();
    recordEmitted(metrics, event(EventTypes.scanCompleted, { scanners, timings: { durationMs: 12_500 } }));
    expect([
      await metricValue(metrics, METRIC_NAMES.scansCompleted, { outcome }),
      await metricValue(metrics, `${METRIC_NAMES.scanDuration}_sum`, { outcome }),
    ]).toEqual([1, 12.5]);
  });

  it('a handled call observes its duration; a failure counts by reason and its emitted events do not count', async () => {
    const metrics = createMetrics();
    recordHandled(metrics, {
      functionName: 'lint',
      event: event(EventTypes.buildRequested),
      outcome: 'ok',
      durationMs: 1500,
      emitted: [event(EventTypes.lintCompleted)],
    });
    recordHandled(metrics, { functionName: 'lint', outcome: 'invalid-event', durationMs: 2, emitted: [event(EventTypes.lintCompleted)] });
    recordHandled(metrics, { functionName: 'lint', event: event(EventTypes.buildRequested), outcome: 'error', durationMs: 10 });
    expect([
      await metricValue(metrics, `${METRIC_NAMES.handlerDuration}_count`, { function: 'lint', outcome: 'ok' }),
      await metricValue(metrics, `${METRIC_NAMES.handlerDuration}_sum`, { function: 'lint', outcome: 'ok' }),
      await metricValue(metrics, METRIC_NAMES.handlerFailures, { function: 'lint', reason: 'invalid-event' }),
      await metricValue(metrics, METRIC_NAMES.handlerFailures, { function: 'lint', reason: 'error' }),
      await metricValue(metrics, METRIC_NAMES.eventsEmitted, { type: EventTypes.lintCompleted }),
    ]).toEqual([1, 1.5, 1, 1, 1]);
  });

  it.each([
    [EventTypes.tickWeekly, 'weekly'],
    [EventTypes.tickRepoPoll, 'repo-poll'],
  ])('handling %s sets the last success of the %s tick, a failed handling does not', async (type, tick) => {
    const metrics = createMetrics();
    const before = Date.now() / 1000;
    recordHandled(metrics, { functionName: 'dispatch', event: event(type), outcome: 'error', durationMs: 1 });
    expect(await metricValue(metrics, METRIC_NAMES.tickLastSuccess, { tick })).toBe(0);
    recordHandled(metrics, { functionName: 'dispatch', event: event(type), outcome: 'ok', durationMs: 1 });
    expect(await metricValue(metrics, METRIC_NAMES.tickLastSuccess, { tick })).toBeGreaterThanOrEqual(Math.floor(before));
  });

  it('markTickSucceeded sets the gauge to the Unix time given', async () => {
    const metrics = createMetrics();
    markTickSucceeded('weekly', new Date('2026-11-28T23:00:00Z'), metrics);
    expect(await metricValue(metrics, METRIC_NAMES.tickLastSuccess, { tick: 'weekly' })).toBe(Date.parse('2026-11-28T23:00:00Z') / 1000);
  });

  it('counts dead letters by Trigger', async () => {
    const metrics = createMetrics();
    recordDeadLetter(metrics, 'ccp-lint');
    recordDeadLetter(metrics, 'ccp-lint');
    expect(await metricValue(metrics, METRIC_NAMES.deadLetters, { trigger: 'ccp-lint' })).toBe(2);
  });

  it('reads the queue depth at scrape time and drops the series once untracked', async () => {
    const metrics = createMetrics();
    let depth = 3;
    const stop = trackQueueDepth(metrics, 'broker', () => depth);
    expect(await metricValue(metrics, METRIC_NAMES.queueDepth, { component: 'broker' })).toBe(3);
    depth = 7;
    expect(await metricValue(metrics, METRIC_NAMES.queueDepth, { component: 'broker' })).toBe(7);
    stop();
    expect(await metrics.registry.metrics()).not.toContain('component="broker"');
  });

  it('every instrument is registered under its documented name', async () => {
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
    expect(names).toEqual(Object.values(METRIC_NAMES).sort());
  });
});

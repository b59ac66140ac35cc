import type { Issue } from '../errors/validation-error';
import { backoffDelayMs, parseDelivery } from './delivery';
import type { DeliverySpec } from './types';

const where = { file: 'eventing/broker.yaml', field: 'spec.delivery' };

describe('parseDelivery', () => {
  it('reads every field', () => {
    const issues: Issue[] = [];
    const spec = parseDelivery(
      { retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT0.5S', timeout: 'PT2M', deadLetterSink: { uri: 'http://dls.example/' } },
      where,
      issues,
    );
    expect(issues).toEqual([]);
    expect(spec).toEqual({ retry: 5, backoffPolicy: 'linear', backoffDelayMs: 500, timeoutMs: 120_000, deadLetterSink: { uri: 'http://dls.example/' } });
  });

  it('takes the Knative defaults for missing fields', () => {
    const issues: Issue[] = [];
    expect(parseDelivery({}, where, issues)).toEqual({ retry: 0, backoffPolicy: 'exponential', backoffDelayMs: 0 });
    expect(issues).toEqual([]);
  });

  it.each([
    [{ retry: -1 }, 'spec.delivery.retry', 'must be a whole number, 0 or more'],
    [{ retry: '3' }, 'spec.delivery.retry', 'must be a whole number, 0 or more'],
    [{ backoffPolicy: 'quadratic' }, 'spec.delivery.backoffPolicy', 'must be "linear" or "exponential"'],
    [{ backoffDelay: '1s' }, 'spec.delivery.backoffDelay', '"1s" is not an ISO 8601 duration such as PT1S, PT0.5S or PT2M'],
    [{ backoffDelay: 1 }, 'spec.delivery.backoffDelay', 'must be an ISO 8601 duration string such as PT1S'],
    [{ timeout: 'soon' }, 'spec.delivery.timeout', '"soon" is not an ISO 8601 duration such as PT1S, PT0.5S or PT2M'],
    [{ deadLetterSink: {} }, 'spec.delivery.deadLetterSink', 'needs ref or uri'],
    [{ deadLetterSink: { ref: { kind: 'Service' } } }, 'spec.delivery.deadLetterSink.ref.apiVersion', 'must be a non-empty string'],
    [{ retrys: 3 }, 'spec.delivery.retrys', expect.stringContaining('is not a delivery field')],
  ])('reports %j at %s', (value, field, message) => {
    const issues: Issue[] = [];
    parseDelivery(value, where, issues);
    expect(issues).toContainEqual({ file: 'eventing/broker.yaml', field, message });
  });
});

describe('backoffDelayMs', () => {
  const spec = (backoffPolicy: DeliverySpec['backoffPolicy']): DeliverySpec => ({ retry: 5, backoffPolicy, backoffDelayMs: 1000 });

  it.each([
    ['linear', 0, 0],
    ['linear', 1, 1000],
    ['linear', 4, 4000],
    ['exponential', 0, 1000],
    ['exponential', 1, 2000],
    ['exponential', 4, 16_000],
  ] as const)('%s after failed attempt n=%d waits %d ms', (policy, n, ms) => {
    expect(backoffDelayMs(spec(policy), n)).toBe(ms);
  });
});

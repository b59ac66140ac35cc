import { ValidationError } from '../errors/validation-error';
import { parseIsoDuration } from './duration';

describe('parseIsoDuration', () => {
  it.each([
    ['PT1S', 1000],
    ['PT0.5S', 500],
    ['PT0,25S', 250],
    ['PT2M', 120_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['P2W', 1_209_600_000],
    ['PT1M0.5S', 60_500],
    ['PT0S', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each([
    ['1s', 'is not an ISO 8601 duration'],
    ['PT', 'names no duration component'],
    ['P', 'names no duration component'],
    ['P1DT', 'names no duration component'],
    ['PT1.5M2S', 'may have a fraction only in its last component'],
    ['PT-1S', 'is not an ISO 8601 duration'],
    ['PT1S2M', 'is not an ISO 8601 duration'],
    ['', 'is not an ISO 8601 duration'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseIsoDuration(text, 'spec.delivery.backoffDelay')).toThrow(ValidationError);
    try {
      parseIsoDuration(text, 'spec.delivery.backoffDelay');
    } catch (error) {
      expect((error as ValidationError).errors).toEqual([{ field: 'spec.delivery.backoffDelay', message: expect.stringContaining(message) }]);
    }
  });
});

import { loadConfig } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import { paceOf } from './pacing';

describe('paceOf', () => {
  it.each([
    [60, { chunkSize: 10, windowMs: 10_000 }],
    [600, { chunkSize: 100, windowMs: 10_000 }],
    [6, { chunkSize: 1, windowMs: 10_000 }],
    [12, { chunkSize: 2, windowMs: 10_000 }],
    [2, { chunkSize: 1, windowMs: 30_000 }],
    [0.5, { chunkSize: 1, windowMs: 120_000 }],
    [0.1, { chunkSize: 1, windowMs: 240_000 }],
  ])('%d images a minute → %j', (rate, pace) => {
    expect(paceOf(rate)).toEqual(pace);
  });

  it('keeps the configured rate over a long run (10,000 images at 60/min take about 10,000 s)', () => {
    const pace = paceOf(60);
    expect((Math.ceil(10_000 / pace.chunkSize) * pace.windowMs) / 1000).toEqual(10_000);
  });
});

describe('CCP_WEEKLY_SCAN_RATE', () => {
  it.each([
    [{}, 60],
    [{ CCP_WEEKLY_SCAN_RATE: '600' }, 600],
    [{ CCP_WEEKLY_SCAN_RATE: '0.5' }, 0.5],
  ])('%j → %d images a minute', (env, rate) => {
    expect(loadConfig({ dataDir: '/tmp/ccp-weekly' }, env).weekly).toEqual({ scanRate: rate });
  });

  it.each(['0', '-3', 'fast'])('refuses %j naming the field', (value) => {
    expect(() => loadConfig({ dataDir: '/tmp/ccp-weekly' }, { CCP_WEEKLY_SCAN_RATE: value })).toThrow(ValidationError);
    try {
      loadConfig({ dataDir: '/tmp/ccp-weekly' }, { CCP_WEEKLY_SCAN_RATE: value });
    } catch (error) {
      expect((error as ValidationError).errors.map((issue) => issue.field)).toEqual(['weekly.scanRate']);
    }
  });
});

import { ValidationError } from '../errors/validation-error';
import { chaosCopies, parseChaos } from './chaos';

describe('CCP_CHAOS', () => {
  it.each([
    ['', null],
    ['redeliver:0.3,delay:0-200ms,reorder,parallel:4', { redeliver: 0.3, delayMs: { min: 0, max: 200 }, parallel: 4 }],
    ['reorder', { redeliver: 0, delayMs: { min: 0, max: 50 } }],
    ['delay:1-2s', { redeliver: 0, delayMs: { min: 1000, max: 2000 } }],
  ])('parses "%s"', (value, expected) => {
    expect(parseChaos(value)).toEqual(expected);
  });

  it.each(['redeliver:2', 'delay:5-1ms', 'parallel:0', 'shuffle'])('refuses "%s"', (value) => {
    expect(() => parseChaos(value)).toThrow(ValidationError);
  });

  it('makes a second, delayed copy for the share it redelivers', () => {
    const settings = parseChaos('redeliver:0.5,delay:10-20ms')!;
    const dice = [0.4, 0.5, 1][Symbol.iterator]();
    expect(chaosCopies(settings, () => dice.next().value as number)).toEqual([15, 20]);
    expect(chaosCopies(settings, () => 0.9)).toEqual([19]);
  });
});

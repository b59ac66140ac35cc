import type { Finding, Level, Threshold } from '../../../shared/dockerfile/types';
import { lintVerdict } from './verdict';

const finding = (level: Level): Finding => ({ code: 'DL3000', column: 1, file: 'Dockerfile', level, line: 1, message: 'm' });

describe('lintVerdict', () => {
  it.each<[Threshold, Level[], boolean]>([
    ['error', ['warning', 'info', 'style'], false],
    ['error', ['error'], true],
    ['warning', ['warning'], true],
    ['warning', ['info', 'style'], false],
    ['info', ['info'], true],
    ['style', ['style'], true],
    ['none', ['error'], false],
    ['ignore', ['error'], false],
    ['style', [], false],
  ])('threshold %s with %j fails: %s', (threshold, levels, failed) => {
    expect(lintVerdict(levels.map(finding), threshold).failed).toBe(failed);
  });

  it('counts per level', () => {
    expect(
      lintVerdict(
        ['error', 'info', 'info', 'style'].map((level) => finding(level as Level)),
        'error',
      ).counts,
    ).toEqual({
      error: 1,
      warning: 0,
      info: 2,
      style: 1,
    });
  });
});

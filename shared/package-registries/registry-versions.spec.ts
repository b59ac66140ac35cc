import { newestVersion } from './registry-versions';
import { PEP440_RULES, RUBYGEMS_RULES, SEMVER_RULES, type VersionRules } from '../versions/version-rules';

describe('newestVersion', () => {
  it.each<[string, VersionRules, string, { versions: string[]; latest?: string }, string | null]>([
    ['pep440: higher stable', PEP440_RULES, '1.0', { versions: ['1.0', '1.0.post1', '1.1rc1'] }, '1.0.post1'],
    ['pep440: epochs win', PEP440_RULES, '2023.1', { versions: ['2023.1', '1!0.1'] }, '1!0.1'],
    ['pep440: dev releases are pre-releases', PEP440_RULES, '1.0', { versions: ['1.1.dev0'] }, null],
    ['pep440: a pre-release install sees pre-releases', PEP440_RULES, '1.1.dev0', { versions: ['1.0', '1.1.dev0', '1.1a1'] }, '1.1a1'],
    ['pep440: nothing newer', PEP440_RULES, '3.0', { versions: ['2.0', '3.0'] }, null],
    ['semver: latest wins over a higher number', SEMVER_RULES, '1.0.0', { versions: ['1.0.0', '1.1.0', '2.0.0'], latest: '1.1.0' }, '1.1.0'],
    ['semver: install newer than latest', SEMVER_RULES, '2.0.0', { versions: ['1.1.0', '2.0.0'], latest: '1.1.0' }, null],
    [
      'semver: a pre-release latest is not offered to stable',
      SEMVER_RULES,
      '1.0.0',
      { versions: ['1.0.0', '1.2.0', '2.0.0-rc.1'], latest: '2.0.0-rc.1' },
      '1.2.0',
    ],
    [
      'semver: pre-release install, newest of all',
      SEMVER_RULES,
      '2.0.0-rc.1',
      { versions: ['2.0.0-rc.1', '2.0.0-rc.2', '1.9.0'], latest: '1.9.0' },
      '2.0.0-rc.2',
    ],
    ['rubygems: segments as numbers', RUBYGEMS_RULES, '1.9', { versions: ['1.10'], latest: '1.10' }, '1.10'],
    ['rubygems: .pre sorts before the release', RUBYGEMS_RULES, '2.0.0.pre', { versions: ['2.0.0.pre', '2.0.0'] }, '2.0.0'],
  ])('%s', (_, rules, installed, known, expected) => {
    expect(newestVersion(installed, known, rules)).toBe(expected);
  });
});

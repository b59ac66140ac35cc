import { PEP440_RULES, RPM_RULES, RUBYGEMS_RULES, SEMVER_RULES } from '../versions/version-rules';
import { affects, inRange } from './ranges';
import type { AffectedPackage, RangeEvent } from './types';

const range = (...events: RangeEvent[]) => ({ type: 'ECOSYSTEM' as const, events });

describe('inRange', () => {
  it.each([
    // rpm: epochs first, then version and release by rpmvercmp.
    ['rpm below the fix', RPM_RULES, range({ introduced: '0' }, { fixed: '0:3.0.7-27.el9' }), '0:3.0.7-24.el9', { fixed: '0:3.0.7-27.el9' }],
    ['rpm at the fix', RPM_RULES, range({ introduced: '0' }, { fixed: '0:3.0.7-27.el9' }), '0:3.0.7-27.el9', null],
    ['rpm above the fix', RPM_RULES, range({ introduced: '0' }, { fixed: '3.0.7-27.el9' }), '0:3.0.8-1.el9', null],
    ['rpm with a higher epoch than the fix', RPM_RULES, range({ introduced: '0' }, { fixed: '3.0.7-27.el9' }), '1:1.0-1.el9', null],
    ['rpm with a lower epoch than the fix', RPM_RULES, range({ introduced: '0' }, { fixed: '2:1.0-1.el9' }), '1:9.9-1.el9', { fixed: '2:1.0-1.el9' }],
    ['rpm tilde pre-release below the release', RPM_RULES, range({ introduced: '0' }, { fixed: '1.0-1' }), '0:1.0~rc1-1', { fixed: '1.0-1' }],
    ['rpm below introduced', RPM_RULES, range({ introduced: '2.0-1' }, { fixed: '2.5-1' }), '0:1.9-1', null],
    // PEP 440: pre-releases, epochs, post releases.
    ['PyPI inside', PEP440_RULES, range({ introduced: '2.0' }, { fixed: '2.31.0' }), '2.28.1', { fixed: '2.31.0' }],
    ['PyPI release candidate before the fix', PEP440_RULES, range({ introduced: '0' }, { fixed: '2.31.0' }), '2.31.0rc1', { fixed: '2.31.0' }],
    ['PyPI post release after the fix', PEP440_RULES, range({ introduced: '0' }, { fixed: '2.31.0' }), '2.31.0.post1', null],
    ['PyPI at last_affected', PEP440_RULES, range({ introduced: '0' }, { last_affected: '1.4' }), '1.4', { fixed: null }],
    ['PyPI past last_affected', PEP440_RULES, range({ introduced: '0' }, { last_affected: '1.4' }), '1.4.1', null],
    // semver: npm ranges, pre-release ordering.
    [
      'npm in the second of two ranges',
      SEMVER_RULES,
      range({ introduced: '0' }, { fixed: '1.2.6' }, { introduced: '2.0.0' }, { fixed: '2.0.3' }),
      '2.0.1',
      { fixed: '2.0.3' },
    ],
    ['npm between two ranges', SEMVER_RULES, range({ introduced: '0' }, { fixed: '1.2.6' }, { introduced: '2.0.0' }, { fixed: '2.0.3' }), '1.9.0', null],
    ['npm open range', SEMVER_RULES, range({ introduced: '4.0.0' }), '4.17.21', { fixed: null }],
    ['npm pre-release of the fix', SEMVER_RULES, range({ introduced: '0' }, { fixed: '3.0.0' }), '3.0.0-beta.1', { fixed: '3.0.0' }],
    // RubyGems: segment-wise, letters make pre-releases.
    ['gem inside', RUBYGEMS_RULES, range({ introduced: '0' }, { fixed: '1.13.10' }), '1.13.9', { fixed: '1.13.10' }],
    ['gem pre-release of the fix', RUBYGEMS_RULES, range({ introduced: '0' }, { fixed: '7.0.1' }), '7.0.1.rc1', { fixed: '7.0.1' }],
    ['gem after the fix', RUBYGEMS_RULES, range({ introduced: '0' }, { fixed: '7.0.1' }), '7.0.10', null],
    // limit caps the range from above.
    ['below a limit', SEMVER_RULES, range({ introduced: '0' }, { limit: '2.0.0' }), '1.5.0', { fixed: null }],
    ['at a limit', SEMVER_RULES, range({ introduced: '0' }, { limit: '2.0.0' }), '2.0.0', null],
    // Events come in any order in records; they are sorted first.
    ['events out of order', PEP440_RULES, range({ fixed: '2.0' }, { introduced: '1.0' }), '1.5', { fixed: '2.0' }],
  ])('%s', (_name, rules, affectedRange, version, expected) => {
    expect(inRange(affectedRange, version, rules)).toEqual(expected);
  });

  it('passes over a range whose events are not versions of the ecosystem', () => {
    expect(inRange(range({ introduced: '0' }, { fixed: 'not-a-version!' }), '1.0.0', SEMVER_RULES)).toBeNull();
  });
});

describe('affects', () => {
  const entry = (ranges: AffectedPackage['ranges'], versions: string[] = []): AffectedPackage => ({
    ecosystem: 'PyPI',
    name: 'x',
    ranges,
    versions,
    severity: [],
  });

  it.each([
    ['a listed version without ranges', entry([], ['1.0', '1.1']), '1.1', { fixed: null }],
    ['a version neither listed nor in a range', entry([], ['1.0']), '1.2', null],
    [
      'the highest fix of two matching ranges',
      entry([range({ introduced: '0' }, { fixed: '1.5' }), range({ introduced: '1.0' }, { fixed: '1.7' })]),
      '1.2',
      { fixed: '1.7' },
    ],
    ['no fix when one matching range has none', entry([range({ introduced: '0' }, { fixed: '1.5' }), range({ introduced: '1.0' })]), '1.2', { fixed: null }],
  ])('%s', (_name, affected, version, expected) => {
    expect(affects(affected, version, PEP440_RULES)).toEqual(expected);
  });
});

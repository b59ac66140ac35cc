import type { OsvAdvisoryChangedData } from '../events/contracts/osv-advisory-changed';
import { advisoryChangeStamps } from './change-stamps';

const ADVISORY = { id: 'GHSA-1', modified: '2026-12-02T00:00:00Z', aliases: [], summary: 'requests: a flaw' };
const change = (image: string, to: string): OsvAdvisoryChangedData => ({
  advisories: [ADVISORY],
  images: [{ image, advisories: ['GHSA-1'], packages: [{ name: 'requests', from: '2.25.0', to, repo: 'PyPI' }] }],
});

describe('advisoryChangeStamps', () => {
  it('names the advisories by id and time, then each package move', () => {
    expect(advisoryChangeStamps(change('tests/a:latest', '2.31.0'))).toEqual(['GHSA-1@2026-12-02T00:00:00Z', 'tests/a:latest requests 2.25.0>2.31.0 PyPI']);
  });

  it.each([
    ['the same change told again', change('tests/a:latest', '2.31.0'), true],
    ['the same advisory moving another image (a fix shipped later)', change('tests/b:latest', '2.31.0'), false],
    ['the same advisory and image, another version', change('tests/a:latest', '2.31.1'), false],
    ['another modified time', { ...change('tests/a:latest', '2.31.0'), advisories: [{ ...ADVISORY, modified: '2026-12-03T00:00:00Z' }] }, false],
  ])('%s: the same stamps %s', (_case, other, same) => {
    expect(advisoryChangeStamps(other).join('\n') === advisoryChangeStamps(change('tests/a:latest', '2.31.0')).join('\n')).toBe(same);
  });
});

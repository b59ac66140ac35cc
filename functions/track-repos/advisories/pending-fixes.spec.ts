import type { Advisory } from '../../../shared/osv/types';
import { advisoryFor, expirePending, isPendingFix, mergePending, pendingFixesOf, pendingFixKey, reconcilePending, type PendingFix } from './pending-fixes';

const entry = (ecosystem: string, name: string, fixed: string): Advisory['affected'][number] => ({
  ecosystem,
  name,
  ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
  versions: [],
  severity: [],
});

const ADVISORY: Advisory = {
  id: 'GHSA-1',
  modified: '2026-12-02T00:00:00Z',
  aliases: ['CVE-2026-0001'],
  summary: 'requests: a flaw',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
  affected: [
    entry('PyPI', 'Requests', '2.31.0'),
    entry('PyPI', 'urllib3', '1.26.18'),
    entry('npm', 'requests', '9.9.9'),
    entry('AlmaLinux:9', 'python3-requests', '2.31.0-1.el9'),
  ],
};

/** A pending fix of `advisory` (id, modified) for requests in `image`, pending since `since`. */
function pending(image: string, since: string, advisory: { id?: string; modified?: string } = {}): PendingFix {
  return {
    advisory: { ...advisoryFor(ADVISORY, 'PyPI', 'requests'), id: advisory.id ?? 'GHSA-1', modified: advisory.modified ?? ADVISORY.modified },
    image,
    ecosystem: 'PyPI',
    name: 'requests',
    since,
  };
}

describe('advisoryFor', () => {
  it("keeps the advisory's own fields and only the package's entries of the ecosystem, names compared normalized", () => {
    expect(advisoryFor(ADVISORY, 'PyPI', 'requests')).toEqual({
      id: 'GHSA-1',
      modified: '2026-12-02T00:00:00Z',
      aliases: ['CVE-2026-0001'],
      summary: 'requests: a flaw',
      severity: [],
      affected: [entry('PyPI', 'Requests', '2.31.0')],
    });
  });
});

describe('pendingFixKey', () => {
  it.each([
    ['the same advisory, image and package', pending('tests/a:latest', '2026-12-01T00:00:00Z'), true],
    ['a PyPI name spelled otherwise', { ...pending('tests/a:latest', '2026-12-01T00:00:00Z'), name: 'Requests' }, true],
    ['another image', pending('tests/b:latest', '2026-12-01T00:00:00Z'), false],
    ['another advisory', pending('tests/a:latest', '2026-12-01T00:00:00Z', { id: 'GHSA-2' }), false],
    ['another ecosystem', { ...pending('tests/a:latest', '2026-12-01T00:00:00Z'), ecosystem: 'npm' as const }, false],
  ])('%s: one key %s', (_case, other, same) => {
    expect(pendingFixKey(other) === pendingFixKey(pending('tests/a:latest', '2026-11-01T00:00:00Z'))).toBe(same);
  });
});

describe('pendingFixesOf', () => {
  it('makes one pending fix per unreachable fix, the advisory cut to its package', () => {
    expect(pendingFixesOf('tests/a:latest', [{ advisory: ADVISORY, ecosystem: 'PyPI', name: 'requests' }], '2026-12-03T00:00:00.000Z')).toEqual([
      { advisory: advisoryFor(ADVISORY, 'PyPI', 'requests'), image: 'tests/a:latest', ecosystem: 'PyPI', name: 'requests', since: '2026-12-03T00:00:00.000Z' },
    ]);
  });
});

describe('expirePending', () => {
  const now = new Date('2026-12-10T00:00:00Z');
  const day = 24 * 3_600_000;

  it.each([
    ['a day old', '2026-12-09T00:00:00Z', true],
    ['just under the age', '2026-12-07T00:00:01Z', true],
    ['exactly the age', '2026-12-07T00:00:00Z', false],
    ['older than the age', '2026-11-01T00:00:00Z', false],
    ['an unreadable time', 'yesterday', false],
  ])('%s (since %s): kept %s, for an age of 3 days', (_case, since, kept) => {
    const fix = pending('tests/a:latest', since);
    expect(expirePending([fix], now, 3 * day)).toEqual(kept ? { kept: [fix], expired: [] } : { kept: [], expired: [fix] });
  });
});

describe('reconcilePending', () => {
  it('drops the withdrawn or removed, sets apart the changed, keeps the rest', () => {
    const same = pending('tests/a:latest', '2026-12-01T00:00:00Z');
    const changed = pending('tests/b:latest', '2026-12-01T00:00:00Z', { id: 'GHSA-2' });
    const withdrawn = pending('tests/c:latest', '2026-12-01T00:00:00Z', { id: 'GHSA-3' });
    expect(reconcilePending([same, changed, withdrawn], { 'GHSA-1': ADVISORY.modified, 'GHSA-2': '2026-12-05T00:00:00Z' })).toEqual({
      kept: [same],
      changed: [changed],
      withdrawn: [withdrawn],
    });
  });

  it('does not take an inherited property for an advisory id', () => {
    const fix = pending('tests/a:latest', '2026-12-01T00:00:00Z', { id: 'constructor' });
    expect(reconcilePending([fix], {}).withdrawn).toEqual([fix]);
  });
});

describe('mergePending', () => {
  it('keeps one fix per key, with its first time and the newer record, oldest first', () => {
    const older = pending('tests/a:latest', '2026-12-01T00:00:00Z');
    const again = pending('tests/a:latest', '2026-12-05T00:00:00Z', { modified: '2026-12-05T00:00:00Z' });
    const other = pending('tests/b:latest', '2026-12-03T00:00:00Z');
    expect(mergePending([older, other], [again], 10)).toEqual({
      pending: [{ ...again, since: '2026-12-01T00:00:00Z' }, other],
      dropped: [],
    });
  });

  it('keeps the first time of a fix pending before its advisory changed', () => {
    const before = pending('tests/a:latest', '2026-12-01T00:00:00Z');
    const after = pending('tests/a:latest', '2026-12-05T00:00:00Z', { modified: '2026-12-05T00:00:00Z' });
    expect(mergePending([], [after], 10, [before]).pending).toEqual([{ ...after, since: '2026-12-01T00:00:00Z' }]);
  });

  it('does not bring back a fix pending before its advisory changed unless the change pends it again', () => {
    expect(mergePending([], [], 10, [pending('tests/a:latest', '2026-12-01T00:00:00Z')])).toEqual({ pending: [], dropped: [] });
  });

  it.each([
    [3, ['tests/a:latest', 'tests/b:latest', 'tests/c:latest'], []],
    [2, ['tests/b:latest', 'tests/c:latest'], ['tests/a:latest']],
    [1, ['tests/c:latest'], ['tests/a:latest', 'tests/b:latest']],
  ])('bounded at %i: keeps %j, drops the oldest %j', (max, kept, dropped) => {
    const fixes = [
      pending('tests/c:latest', '2026-12-03T00:00:00Z'),
      pending('tests/a:latest', '2026-12-01T00:00:00Z'),
      pending('tests/b:latest', '2026-12-02T00:00:00Z'),
    ];
    const merged = mergePending(fixes.slice(0, 2), fixes.slice(2), max);
    expect([merged.pending.map((fix) => fix.image), merged.dropped.map((fix) => fix.image)]).toEqual([kept, dropped]);
  });
});

describe('isPendingFix', () => {
  const fix = pending('tests/a:latest', '2026-12-01T00:00:00Z');

  it.each<[string, unknown, boolean]>([
    ['a pending fix as written', fix, true],
    ['null', null, false],
    ['a string', 'GHSA-1', false],
    ['an unknown ecosystem', { ...fix, ecosystem: 'Maven' }, false],
    ['no image', { ...fix, image: undefined }, false],
    ['an advisory without affected entries', { ...fix, advisory: { ...fix.advisory, affected: 'all' } }, false],
    ['no advisory', { ...fix, advisory: null }, false],
  ])('%s: %s', (_case, value, valid) => {
    expect(isPendingFix(value)).toBe(valid);
  });
});

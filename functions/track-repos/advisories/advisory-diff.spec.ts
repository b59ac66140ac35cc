import type { Advisory } from '../../../shared/osv/types';
import { advisoryStamps, changedAdvisoryIds } from './advisory-diff';

const advisory = (id: string, modified: string): Advisory => ({ id, modified, aliases: [], summary: id, severity: [], affected: [] });

describe('advisoryStamps', () => {
  it('maps ids to modified times, the first record of an id winning', () => {
    expect(advisoryStamps([advisory('A', '2026-01-01T00:00:00Z'), advisory('B', '2026-01-02T00:00:00Z'), advisory('A', '2026-03-01T00:00:00Z')])).toEqual({
      A: '2026-01-01T00:00:00Z',
      B: '2026-01-02T00:00:00Z',
    });
  });
});

describe('changedAdvisoryIds', () => {
  it.each([
    ['nothing changed', { A: 't1' }, { A: 't1' }, []],
    ['a new advisory', { A: 't1' }, { A: 't1', B: 't1' }, ['B']],
    ['a changed modified time', { A: 't1', B: 't1' }, { A: 't2', B: 't1' }, ['A']],
    ['a withdrawn (gone) advisory is no change', { A: 't1', B: 't1' }, { A: 't1' }, []],
    ['new and changed, sorted by id', { M: 't1' }, { Z: 't1', M: 't2', A: 't1' }, ['A', 'M', 'Z']],
    ['everything is new against an empty snapshot', {}, { B: 't1', A: 't1' }, ['A', 'B']],
  ])('%s', (_name, previous: Record<string, string>, current: Record<string, string>, expected: string[]) => {
    expect(changedAdvisoryIds(previous, current)).toEqual(expected);
  });
});

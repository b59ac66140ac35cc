import { LruSet } from './lru-set';

describe('LruSet', () => {
  it('forgets the least recently used key beyond its capacity', () => {
    const set = new LruSet(2);
    set.add('a');
    set.add('b');
    expect(set.has('a')).toBe(true); // a is now the most recent
    set.add('c');
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([true, false, true]);
    expect(set.size).toBe(2);
  });

  it.each([0, -1, 1.5])('refuses capacity %d', (capacity) => {
    expect(() => new LruSet(capacity)).toThrow(RangeError);
  });
});

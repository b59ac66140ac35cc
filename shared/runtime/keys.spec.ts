import { journalKey } from './journal';
import { deadLetterKey, eventIdentityHash } from './keys';

describe('store keys of the broker', () => {
  it('hashes source and id together, stably', () => {
    expect(eventIdentityHash('/a', 'b')).toBe(eventIdentityHash('/a', 'b'));
    expect(eventIdentityHash('/a', 'b')).not.toBe(eventIdentityHash('/a/b', ''));
    expect(eventIdentityHash('/a', 'b')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('puts journal entries under state/journal/<trigger>/', () => {
    expect(journalKey('ccp-lint', '/test', '1')).toBe(`state/journal/ccp-lint/${eventIdentityHash('/test', '1')}.json`);
  });

  it('puts dead letters under deadletters/<trigger>/ in time order', () => {
    const key = deadLetterKey('ccp-lint', '/test', '1', new Date('2024-05-06T07:08:09.010Z'));
    expect(key).toBe(`deadletters/ccp-lint/2024-05-06T07-08-09-010Z-${eventIdentityHash('/test', '1')}.json`);
    expect(deadLetterKey('t', '/s', 'z', new Date('2024-01-01T00:00:00Z')) < deadLetterKey('t', '/s', 'a', new Date('2024-01-02T00:00:00Z'))).toBe(true);
  });
});

import { bearerMatches, newNotifyToken, notifyTokenHeaders } from './notify-token';

describe('registry notification tokens', () => {
  const token = 'tok-0123456789abcdef';

  it.each([
    ['the token', `Bearer ${token}`, true],
    ['the scheme in any case', `bearer ${token}`, true],
    ['the second of two accepted tokens', 'Bearer other-token', true],
    ['no header', undefined, false],
    ['an empty header', '', false],
    ['the scheme alone', 'Bearer ', false],
    ['a wrong token', 'Bearer tok-0123456789abcdeX', false],
    ['a prefix of the token', 'Bearer tok-0123', false],
    ['the token and more', `Bearer ${token}0`, false],
    ['another scheme', `Basic ${token}`, false],
    ['the token alone', token, false],
  ])('%s: %s', (_case, header, expected) => {
    expect(bearerMatches(header, [token, 'other-token'])).toBe(expected);
  });

  it('matches nothing when no token is accepted, an empty Bearer value neither', () => {
    expect([bearerMatches(`Bearer ${token}`, []), bearerMatches('Bearer ', [''])]).toEqual([false, false]);
  });

  it('makes a new 256-bit token each time, and the endpoint header that sends it', () => {
    const [a, b] = [newNotifyToken(), newNotifyToken()];
    expect([a === b, Buffer.from(a, 'base64url').length, notifyTokenHeaders(a)]).toEqual([false, 32, { Authorization: [`Bearer ${a}`] }]);
  });
});

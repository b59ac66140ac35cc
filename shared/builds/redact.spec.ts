import { redact } from './redact';

describe('redact', () => {
  it.each([
    ['nothing to hide', 'plain text', [], 'plain text'],
    ['a secret, everywhere', 'a pw1234 b pw1234', ['pw1234'], 'a *** b ***'],
    ['the longer secret first', 'token abcd-efgh', ['abcd-efgh', 'abcd'], 'token ***'],
    ['a URL password', 'git clone https://bob:hunter22@example.org/r.git', [], 'git clone https://bob:***@example.org/r.git'],
    ['a URL without a password', 'see https://example.org/a:b@c', [], 'see https://example.org/a:b@c'],
    ['a scheme inside a word is still a scheme', 'x=git+ssh://u:p4ss@h/r', [], 'x=git+ssh://u:***@h/r'],
  ])('%s', (_name, text, secrets, expected) => {
    expect(redact(text, secrets)).toEqual(expected);
  });

  it('reads a long line of letters without a URL unchanged', () => {
    const long = `${'a'.repeat(200_000)}://`;
    expect(redact(long, ['zzzz'])).toEqual(long);
  });
});

import { limitText } from './limit';
import { findSecrets, redact, redactorFor, REDACTED } from './redact';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('redact', () => {
  it.each([
    ['nothing to hide', 'plain text', [], 'plain text'],
    ['a secret, everywhere', 'a pw1234 b pw1234', ['pw1234'], 'a *** b ***'],
    ['the longer secret whole', 'token abcd-efgh', ['abcd', 'abcd-efgh'], 'token ***'],
    ['overlapping secrets as one', 'xx s3cr3t-tail yy', ['s3cr3t', 'cr3t-tail'], 'xx *** yy'],
    ['a URL password', 'git clone https://bob:hunter22@example.org/r.git', [], 'git clone https://***@example.org/r.git'],
    ['a URL token without a password', 'fetch https://ghp_abc123@github.com/o/r', [], 'fetch https://***@github.com/o/r'],
    ['a password with an @ in it', 'https://u:p@ss@host/x', [], 'https://***@host/x'],
    ['a URL without credentials', 'see https://example.org/a:b@c', [], 'see https://example.org/a:b@c'],
    ['a mail address after a URL', 'https://example.org mail a@b.org', [], 'https://example.org mail a@b.org'],
    ['a scheme inside a word', 'x=git+ssh://u:p4ss@h/r', [], 'x=git+ssh://***@h/r'],
    ['a URL in quotes', '"https://u:pw@h" and "b@c"', [], '"https://***@h" and "b@c"'],
    ['a secret shorter than 4 characters is no secret', 'abc abc', ['abc'], 'abc abc'],
    ['an unset secret', 'text', [undefined, ''], 'text'],
  ])('%s', (_name, text, secrets, expected) => {
    expect(redact(text, secrets)).toEqual(expected);
  });

  const secret = 'Pa55-w0rd"<&>/+ ok';
  /** The base64 characters of `prefix + secret + suffix` that only the secret's bits decide. */
  const inBlob = (prefix: string, suffix: string): [string, string] => {
    const blob = base64(`${prefix}${secret}${suffix}`);
    const start = Buffer.byteLength(prefix);
    return [blob, blob.slice(Math.ceil((8 * start) / 6), Math.floor((8 * (start + Buffer.byteLength(secret))) / 6))];
  };
  const whole = (leak: string): [string, string] => [leak, leak];
  it.each([
    ['raw', ...whole(secret)],
    ['base64', ...whole(base64(secret))],
    ['base64url', ...whole(Buffer.from(secret).toString('base64url'))],
    ['base64 of user:password', ...whole(base64(`ci-bot:${secret}`))],
    ['base64 at offset 1 in a blob', ...inBlob('{', '} and more')],
    ['base64 at offset 2 in a blob', ...inBlob('{"', '"} and more')],
    ['base64 at offset 0 in a blob', ...inBlob('{"x', '"} and more')],
    ['hex', ...whole(Buffer.from(secret).toString('hex'))],
    ['HEX', ...whole(Buffer.from(secret).toString('hex').toUpperCase())],
    ['URL-encoded', ...whole(encodeURIComponent(secret))],
    ['form-encoded', ...whole(encodeURIComponent(secret).replace(/%20/g, '+'))],
    ['URL-encoded in lower case', ...whole(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()))],
    ['JSON-escaped', JSON.stringify({ password: secret }), JSON.stringify(secret).slice(1, -1)],
    ['HTML-escaped', ...whole(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))],
    ['reversed', ...whole([...secret].reverse().join(''))],
  ])('leaves no trace of the secret in its %s form', (_name, leak, secretPart) => {
    const clean = redact(`before ${leak} after`, [secret, `ci-bot:${secret}`]);
    expect(clean).toContain(REDACTED);
    expect([clean.startsWith('before '), clean.endsWith(' after')]).toEqual([true, true]);
    // No four characters in a row that only the secret decides are left.
    const traces = [...Array(secretPart.length - 3).keys()].map((at) => secretPart.slice(at, at + 4)).filter((piece) => clean.includes(piece));
    expect(traces).toEqual([]);
  });

  it('hides the runs of a secret between escaped characters when a tool escapes it once more', () => {
    const twice = JSON.stringify(JSON.stringify({ label: secret }));
    const clean = redact(twice, [secret]);
    expect([clean.includes('Pa55-w0rd'), clean.includes(REDACTED)]).toEqual([false, true]);
  });

  it('finds sorted, merged ranges', () => {
    expect(findSecrets('a secret1 and secret1secret1 b', redactorFor(['secret1']))).toEqual([
      [2, 9],
      [14, 28],
    ]);
  });

  it('makes the forms of one list once', () => {
    const secrets = ['some-secret'];
    expect(redactorFor(secrets)).toBe(redactorFor(secrets));
  });
});

/**
 * Inputs an attacker prints to stall a backtracking expression. Each runs in well under jest's
 * default 5 s timeout only if redaction is linear: the quadratic URL expression it replaced
 * took 33 s for 150,000 letters.
 */
describe('redact on hostile input', () => {
  const size = 200_000;
  const secret = 'hunter2-registry-password';
  const secrets = [secret, `ccp:${secret}`, 'wh-secret-value', 'AKIAEXAMPLEKEY'];
  const blob = Buffer.alloc((size * 3) / 4, 0x5a).toString('base64');

  it.each([
    ['a run of letters', 'a'.repeat(size), 'a'.repeat(size)],
    ['letters then ://', `${'a'.repeat(size)}://`, `${'a'.repeat(size)}://`],
    ['a:// repeated', 'a://'.repeat(size / 4), 'a://'.repeat(size / 4)],
    [': repeated', ':'.repeat(size), ':'.repeat(size)],
    ['@ repeated', '@'.repeat(size), '@'.repeat(size)],
    [':@ repeated', ':@'.repeat(size / 2), ':@'.repeat(size / 2)],
    ['a:a: repeated', 'a:'.repeat(size / 2), 'a:'.repeat(size / 2)],
    ['a base64 blob', blob, blob],
    ['almost the secret, over and over', secret.slice(0, -1).repeat(size / secret.length), secret.slice(0, -1).repeat(size / secret.length)],
  ])('%s (200,000 characters) comes out right', (_name, text, expected) => {
    expect(redact(text, secrets)).toEqual(expected);
  });

  it('redacts URL credentials after a long run of ://', () => {
    const text = `${'x://'.repeat(size / 4)}https://u:${'p'.repeat(100)}@h/`;
    expect(redact(text, secrets)).toEqual(`${'x://'.repeat(size / 4)}https://***@h/`);
  });

  it('redacts an @ run in a URL up to its bound only', () => {
    const text = `https://${'@'.repeat(size)}`;
    const clean = redact(text, secrets);
    expect(clean.startsWith('https://***@')).toBe(true);
    expect(clean.length).toEqual(text.length - 512 + REDACTED.length);
  });

  it('redacts the secret hidden in each of 2,000 lines of letters', () => {
    const line = `${'b'.repeat(95)}${secret}\n`;
    expect(redact(line.repeat(2000), secrets)).toEqual(`${'b'.repeat(95)}***\n`.repeat(2000));
  });
});

describe('limitText', () => {
  it.each([
    ['short text', 'short', 10, 'short'],
    ['text at the limit', 'x'.repeat(10), 10, 'x'.repeat(10)],
    ['text past the limit', 'y'.repeat(100), 40, `${'y'.repeat(10)} … [100 characters, cut to 40]`],
    ['a surrogate pair at the cut', `${'y'.repeat(9)}😀${'z'.repeat(89)}`, 40, `${'y'.repeat(9)} … [100 characters, cut to 40]`],
  ])('%s', (_name, text, max, expected) => {
    const limited = limitText(text, max);
    expect(limited).toEqual(expected);
    expect(limited.length).toBeLessThanOrEqual(max);
  });
});

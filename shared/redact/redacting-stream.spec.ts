import { REDACTED } from './redact';
import { MAX_HELD, RedactingLog } from './redacting-stream';

/** A log target that records what it is given. */
function recorder(): { writes: string[]; text: () => string; write: (text: string) => void } {
  const writes: string[] = [];
  return { writes, text: () => writes.join(''), write: (text) => writes.push(text) };
}

describe('RedactingLog', () => {
  const secret = 'pa55word-of-the-registry';
  const secrets = [secret, `user:${secret}`];

  it.each([
    ['a whole secret', ['login with pa55word-of-the-registry\n'], 'login with ***\n'],
    ['a secret split across writes', ['the pass is pa55wo', 'rd-of-the-', 'registry\nand tail'], 'the pass is ***\nand tail'],
    ['the Basic auth form', [`auth ${Buffer.from(`user:${secret}`).toString('base64')}\n`], 'auth ***\n'],
    ['URL credentials split across writes', ['fetch https://bot:to', 'k3n@git.example.org/r.git\n'], 'fetch https://***@git.example.org/r.git\n'],
    ['nothing secret', ['nothing ', 'secret'], 'nothing secret'],
  ])('redacts %s', (_name, writes, expected) => {
    const target = recorder();
    const log = new RedactingLog(target, secrets);
    for (const text of writes) log.write(text);
    log.flush();
    expect(target.text()).toEqual(expected);
  });

  it('holds back only the unfinished line, and shows it redacted', () => {
    const target = recorder();
    const log = new RedactingLog(target, secrets);
    log.write(`one\ntwo ${secret}`);
    expect([target.writes, log.held, log.peek()]).toEqual([['one\n'], 4 + secret.length, 'two ***']);
  });

  it('never holds more than its bound of a line without a newline, and still catches a secret across the cut', () => {
    const target = recorder();
    const log = new RedactingLog(target, secrets);
    const letters = 'a'.repeat(150_000);
    // The secret starts just before the point where the first cut happens.
    log.write(`${'b'.repeat(MAX_HELD - 10)}${secret.slice(0, 15)}`);
    log.write(`${secret.slice(15)}${letters}`);
    const held = log.held;
    log.write(secret);
    log.flush();
    expect(held).toBeLessThanOrEqual(MAX_HELD);
    expect(target.writes.length).toBeGreaterThan(1);
    expect(target.text()).toEqual(`${'b'.repeat(MAX_HELD - 10)}${REDACTED}${letters}${REDACTED}`);
  });

  it.each([
    ['at every offset', 1],
    ['in chunks of 7', 7],
    ['in chunks of 1000', 1000],
  ])('catches a secret in a line fed %s with a small bound', (_name, chunk) => {
    for (let shift = 0; shift < 40; shift += 13) {
      const target = recorder();
      const log = new RedactingLog(target, secrets, 600);
      const text = `${'c'.repeat(shift)}${`${'x'.repeat(577)}${secret}`.repeat(5)}`;
      for (let at = 0; at < text.length; at += chunk) log.write(text.slice(at, at + chunk));
      log.flush();
      expect(target.text()).toEqual(`${'c'.repeat(shift)}${`${'x'.repeat(577)}${REDACTED}`.repeat(5)}`);
    }
  });

  it('passes a million characters of a: without a newline through in bounded pieces', () => {
    const target = recorder();
    const log = new RedactingLog(target, secrets);
    let most = 0;
    for (let chunk = 0; chunk < 16; chunk++) {
      log.write('a:'.repeat(32 * 1024));
      most = Math.max(most, log.held);
    }
    log.flush();
    expect(most).toBeLessThanOrEqual(MAX_HELD);
    expect(target.text()).toEqual('a:'.repeat(512 * 1024));
  });

  it('never cuts a surrogate pair in two', () => {
    const target = recorder();
    const log = new RedactingLog(target, [], 600);
    log.write('😀'.repeat(2000));
    log.flush();
    expect(target.writes.every((text) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(text))).toBe(true);
    expect(target.text()).toEqual('😀'.repeat(2000));
  });
});

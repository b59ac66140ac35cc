import { redact, RedactingLog, secretForms } from './redacting-log';

describe('redaction', () => {
  const secrets = secretForms(['pa55word'], 'user');

  it('knows the password and its Basic auth form', () => {
    expect(secrets).toEqual([Buffer.from('user:pa55word').toString('base64'), 'pa55word']);
  });

  it.each([
    ['login with pa55word', 'login with ***'],
    [`auth ${Buffer.from('user:pa55word').toString('base64')}`, 'auth ***'],
    ['fetch https://bot:tok3n@git.example.org/r.git', 'fetch https://bot:***@git.example.org/r.git'],
    ['nothing secret', 'nothing secret'],
  ])('%s → %s', (text, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  it('catches a secret split across two writes, and flushes the last line', () => {
    const out: string[] = [];
    const log = new RedactingLog({ write: (text) => out.push(text) }, secrets);
    log.write('the pass is pa5');
    log.write('5word\nand tail pa55');
    log.write('word');
    log.flush();
    expect(out.join('')).toBe('the pass is ***\nand tail ***');
  });
});

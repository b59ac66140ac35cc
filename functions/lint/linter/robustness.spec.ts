import { lintDockerfile } from './lint';

/** A small deterministic generator, so a failure reproduces. */
function* pseudoRandom(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    yield state / 2147483648;
  }
}

const PIECES = [
  'FROM ',
  'RUN ',
  'COPY ',
  'ONBUILD ',
  'SHELL ',
  'CMD ',
  '["',
  '"]',
  '\\\n',
  '\n',
  '<<EOF',
  'EOF',
  '$(',
  ')',
  '`',
  "'",
  '"',
  '&&',
  '|',
  ';',
  '#',
  ' ',
  'yum install',
  'centos:7',
  '--from=',
  '\u00ff',
  '{',
  '}',
  'if',
  'fi',
  'AS x',
];

describe('lintDockerfile on generated garbage', () => {
  it('never throws and always returns well-formed findings', async () => {
    const random = pseudoRandom(42);
    const next = (): number => random.next().value as number;
    for (let sample = 0; sample < 150; sample += 1) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
      const findings = await lintDockerfile(text, { file: 'Dockerfile', shellcheck: sample % 10 === 0 });
      for (const finding of findings) {
        expect(finding.line).toBeGreaterThanOrEqual(1);
        expect(finding.column).toBeGreaterThanOrEqual(1);
        expect(['error', 'warning', 'info', 'style']).toContain(finding.level);
        expect(finding.code).toMatch(/^(DL|SC|CCP)\d{4}$/);
      }
    }
  });
});

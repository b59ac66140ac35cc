import { parseShell } from './parse';

const commands = (text: string): string[][] => parseShell(text).commands.map((command) => [command.name, ...command.args]);

describe('parseShell', () => {
  it.each<[string, string, string[][]]>([
    [
      '&& chain',
      'yum -y install httpd && yum clean all',
      [
        ['yum', '-y', 'install', 'httpd'],
        ['yum', 'clean', 'all'],
      ],
    ],
    ['; and ||', 'a; b || c', [['a'], ['b'], ['c']]],
    [
      'pipe',
      'curl -s x | tar xz',
      [
        ['curl', '-s', 'x'],
        ['tar', 'xz'],
      ],
    ],
    ['line continuation', 'yum install -y \\\n    httpd', [['yum', 'install', '-y', 'httpd']]],
    ['quotes keep words together', `echo "a  b" 'c;d' e\\ f`, [['echo', 'a  b', 'c;d', 'e f']]],
    ['assignments before the command', 'FOO=1 BAR="x y" make install', [['make', 'install']]],
    ['only an assignment', 'FOO=1', []],
    ['redirections', 'echo x > /tmp/a 2>&1 && cat </tmp/a', [['echo', 'x'], ['cat']]],
    [
      'command substitution',
      'export V="$(cat /etc/x | head -1)"',
      [
        ['cat', '/etc/x'],
        ['head', '-1'],
        ['export', 'V=$(cat /etc/x | head -1)'],
      ],
    ],
    // A substitution runs before the command that uses its output, so it comes first.
    ['backticks', 'echo `arch`', [['arch'], ['echo', '`arch`']]],
    ['subshell', '(cd /tmp && make)', [['cd', '/tmp'], ['make']]],
    [
      'if',
      'if [ -f x ]; then rm x; fi',
      [
        ['[', '-f', 'x', ']'],
        ['rm', 'x'],
      ],
    ],
    ['for loop', 'for f in a b; do echo $f; done', [['echo', '$f']]],
    ['comment', 'echo a # rm -rf /', [['echo', 'a']]],
    ['unterminated quote does not throw', 'echo "abc', [['echo', 'abc']]],
    ['keyword as argument', 'echo done fi', [['echo', 'done', 'fi']]],
  ])('%s', (_title, text, expected) => {
    expect(commands(text)).toEqual(expected);
  });

  it.each<[string, boolean]>([
    ['a | b', true],
    ['a || b', false],
    ['x=$(a | b)', true],
    ['a |& b', true],
  ])('pipe in %j: %s', (text, expected) => {
    expect(parseShell(text).hasPipe).toBe(expected);
  });
});

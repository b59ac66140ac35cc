import { parseVerifyOutput } from './parse-verify';
import { verifySeverity } from './severity';
import { noiseRuleFor } from './noise-rules';

describe('parseVerifyOutput', () => {
  it.each([
    [
      'S.5....T.  c /etc/x.conf',
      { path: '/etc/x.conf', missing: false, flags: 'S.5....T.', changed: ['size', 'digest', 'mtime'], unknown: [], attribute: 'config' },
    ],
    ['S.5......    /usr/bin/x', { path: '/usr/bin/x', missing: false, flags: 'S.5......', changed: ['size', 'digest'], unknown: [] }],
    ['missing     /usr/lib/x.so', { path: '/usr/lib/x.so', missing: true, flags: 'missing', changed: [], unknown: [] }],
    ['missing   d /usr/share/doc/x/README', { path: '/usr/share/doc/x/README', missing: true, flags: 'missing', changed: [], unknown: [], attribute: 'doc' }],
    ['.M...UG..    /usr/share/a b', { path: '/usr/share/a b', missing: false, flags: '.M...UG..', changed: ['mode', 'user', 'group'], unknown: [] }],
    [
      '??5??????  l /usr/share/licenses/x',
      {
        path: '/usr/share/licenses/x',
        missing: false,
        flags: '??5??????',
        changed: ['digest'],
        unknown: ['size', 'mode', 'device', 'link', 'user', 'group', 'mtime', 'capabilities'],
        attribute: 'license',
      },
    ],
    ['....L....    /usr/bin/vi', { path: '/usr/bin/vi', missing: false, flags: '....L....', changed: ['link'], unknown: [] }],
    ['........P    /usr/bin/ping', { path: '/usr/bin/ping', missing: false, flags: '........P', changed: ['capabilities'], unknown: [] }],
  ])('%s', (line, expected) => {
    expect(parseVerifyOutput(`${line}\n`)).toEqual({ lines: [expected], other: [] });
  });

  it('keeps lines that are not file verdicts apart', () => {
    expect(parseVerifyOutput('Unsatisfied dependencies for x-1-1.noarch:\n\tbash is needed by x-1-1.noarch\n').other).toEqual([
      'Unsatisfied dependencies for x-1-1.noarch:',
      'bash is needed by x-1-1.noarch',
    ]);
  });
});

describe('verifySeverity', () => {
  const line = (text: string) => parseVerifyOutput(text).lines[0];
  it.each([
    ['S.5......  c /etc/x.conf', 'info'],
    ['missing   d /usr/share/doc/x', 'low'],
    ['.......T.    /usr/bin/x', 'low'],
    ['S.5......    /usr/bin/x', 'high'],
    ['S.5......    /usr/lib64/libx.so.1.2', 'high'],
    ['missing     /usr/libexec/x/helper', 'high'],
    ['S.5......    /opt/app/lib/libfoo.so', 'high'],
    ['S.5......    /usr/share/x/data', 'medium'],
    ['missing     /usr/share/x/data', 'medium'],
  ])('%s is %s', (text, severity) => {
    expect(verifySeverity(line(text))).toEqual(severity);
  });
});

describe('noiseRuleFor', () => {
  it.each([
    ['/var/log/dnf.log', 'volatile'],
    ['/var', 'volatile'],
    ['/run/lock', 'volatile'],
    ['/tmp/x', 'volatile'],
    ['/proc/1', 'virtual'],
    ['/etc/ld.so.cache', 'ld-cache'],
    ['/usr/lib/locale/locale-archive', 'generated-caches'],
    ['/usr/lib64/gconv/gconv-modules.cache', 'generated-caches'],
    ['/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', 'generated-caches'],
    ['/etc/machine-id', 'machine-id'],
    ['/variable/x', null],
    ['/usr/bin/bash', null],
    ['/etc/passwd', null],
  ])('%s → %s', (path, rule) => {
    expect(noiseRuleFor(path)?.id ?? null).toEqual(rule);
  });
});

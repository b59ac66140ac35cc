import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3038: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no -y', dockerfile('FROM fedora:39', 'RUN dnf install httpd-2.4'), [2]],
    ['-y', dockerfile('FROM fedora:39', 'RUN dnf -y install httpd-2.4'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

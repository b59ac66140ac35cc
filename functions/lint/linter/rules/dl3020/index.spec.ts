import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3020: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['plain file', dockerfile('FROM centos:7', 'ADD run.sh /run.sh'), [2]],
    ['archive', dockerfile('FROM centos:7', 'ADD rootfs.tar.gz /'), []],
    ['url', dockerfile('FROM centos:7', 'ADD https://example.com/x.rpm /tmp/'), []],
    ['json form', dockerfile('FROM centos:7', 'ADD ["a.conf", "/etc/"]'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

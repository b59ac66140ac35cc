import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3048: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['upper case', dockerfile('FROM centos:7', 'LABEL Vendor=CentOS'), [2]],
    ['reserved namespace', dockerfile('FROM centos:7', 'LABEL com.docker.thing=x'), [2]],
    ['double separator', dockerfile('FROM centos:7', 'LABEL org..x=y'), [2]],
    ['valid', dockerfile('FROM centos:7', 'LABEL org.opencontainers.image.version=1 maintainer=me'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

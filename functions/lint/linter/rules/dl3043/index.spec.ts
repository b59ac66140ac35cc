import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3043: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['onbuild from', dockerfile('FROM centos:7', 'ONBUILD FROM centos:8'), [2]],
    ['onbuild maintainer', dockerfile('FROM centos:7', 'ONBUILD MAINTAINER me'), [2]],
    ['onbuild run', dockerfile('FROM centos:7', 'ONBUILD RUN make'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

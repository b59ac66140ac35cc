import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3003: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['cd', dockerfile('FROM centos:7', 'RUN cd /tmp && make'), [2]],
    ['cd inside subshell', dockerfile('FROM centos:7', 'RUN (cd /tmp; make)'), [2]],
    ['word cd as argument', dockerfile('FROM centos:7', 'RUN echo cd'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

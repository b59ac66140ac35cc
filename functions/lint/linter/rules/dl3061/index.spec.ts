import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3061: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['run first', dockerfile('RUN echo hi', 'FROM centos:7'), [1]],
    ['arg then from', dockerfile('ARG TAG=7', 'FROM centos:$TAG'), []],
    ['label after arg', dockerfile('ARG TAG=7', 'LABEL a=b'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

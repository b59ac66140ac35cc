import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3024: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['duplicate', dockerfile('FROM centos:7 AS build', 'FROM centos:7 AS BUILD'), [2]],
    ['unique', dockerfile('FROM centos:7 AS build', 'FROM centos:7 AS app'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

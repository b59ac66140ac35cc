import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3012: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['two in one stage', dockerfile('FROM centos:7', 'HEALTHCHECK CMD true', 'HEALTHCHECK CMD false'), [3]],
    ['one per stage', dockerfile('FROM centos:7', 'HEALTHCHECK CMD true', 'FROM centos:7', 'HEALTHCHECK NONE'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

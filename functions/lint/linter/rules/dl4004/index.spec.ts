import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4004: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['two', dockerfile('FROM centos:7', 'ENTRYPOINT ["a"]', 'ENTRYPOINT ["b"]'), [3]],
    ['one per stage', dockerfile('FROM centos:7', 'ENTRYPOINT ["a"]', 'FROM centos:7', 'ENTRYPOINT ["b"]'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

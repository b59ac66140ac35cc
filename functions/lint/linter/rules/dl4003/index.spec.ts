import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4003: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['two', dockerfile('FROM centos:7', 'CMD ["a"]', 'CMD ["b"]'), [3]],
    ['one per stage', dockerfile('FROM centos:7', 'CMD ["a"]', 'FROM centos:7', 'CMD ["b"]'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4000: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['maintainer', dockerfile('FROM centos:7', 'MAINTAINER me <me@example.com>'), [2]],
    ['label', dockerfile('FROM centos:7', 'LABEL maintainer=me'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

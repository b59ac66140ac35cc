import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3057: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['missing', dockerfile('FROM centos:7', 'CMD ["httpd"]'), [1]],
    ['present', dockerfile('FROM centos:7', 'HEALTHCHECK CMD true'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

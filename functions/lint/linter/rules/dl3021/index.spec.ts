import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3021: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no slash', dockerfile('FROM centos:7', 'COPY a b /app'), [2]],
    ['slash', dockerfile('FROM centos:7', 'COPY a b /app/'), []],
    ['one source', dockerfile('FROM centos:7', 'COPY a /app'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

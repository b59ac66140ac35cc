import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4001: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['both in one stage', dockerfile('FROM centos:7', 'RUN curl -sO https://x/a', 'RUN wget -q https://x/b'), [3]],
    ['both in one RUN', dockerfile('FROM centos:7', 'RUN curl -sO https://x/a && wget -q https://x/b'), [2]],
    ['one per stage', dockerfile('FROM centos:7', 'RUN curl -sO https://x/a', 'FROM centos:7', 'RUN wget -q https://x/b'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

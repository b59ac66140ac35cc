import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3002: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['last user root', dockerfile('FROM centos:7', 'USER root', 'RUN id'), [2]],
    ['uid 0 with group', dockerfile('FROM centos:7', 'USER 0:0'), [2]],
    ['switched back', dockerfile('FROM centos:7', 'USER root', 'RUN id', 'USER apache'), []],
    ['per stage', dockerfile('FROM centos:7 AS build', 'USER root', 'FROM centos:7', 'USER nobody'), [2]],
    ['no user at all', dockerfile('FROM centos:7', 'RUN id'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

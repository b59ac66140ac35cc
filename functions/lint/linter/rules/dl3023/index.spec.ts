import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3023: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['own alias', dockerfile('FROM centos:7 AS app', 'COPY --from=app /a /b'), [2]],
    ['other alias', dockerfile('FROM centos:7 AS build', 'FROM centos:7 AS app', 'COPY --from=build /a /b'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

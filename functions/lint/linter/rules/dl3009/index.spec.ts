import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3009: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['update without cleanup', dockerfile('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'), [2]],
    ['cleaned', dockerfile('FROM debian:12', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'), []],
    ['cache mount', dockerfile('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update'), []],
    ['intermediate stage only copied from', dockerfile('FROM debian:12 AS build', 'RUN apt-get update', 'FROM debian:12', 'COPY --from=build /x /x'), []],
    ['stage used as a base later', dockerfile('FROM debian:12 AS base', 'RUN apt-get update', 'FROM base'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

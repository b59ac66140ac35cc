import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3022: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['typo', dockerfile('FROM golang:1.21 AS build', 'FROM centos:7', 'COPY --from=biuld /app /app'), [3]],
    ['alias', dockerfile('FROM golang:1.21 AS build', 'FROM centos:7', 'COPY --from=build /app /app'), []],
    ['index', dockerfile('FROM golang:1.21', 'FROM centos:7', 'COPY --from=0 /app /app'), []],
    ['later alias', dockerfile('FROM centos:7', 'COPY --from=later /app /app', 'FROM centos:7 AS later'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3019: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['without', dockerfile('FROM alpine:3.19', 'RUN apk add curl=8.5.0-r0'), [2]],
    ['with', dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache curl=8.5.0-r0'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

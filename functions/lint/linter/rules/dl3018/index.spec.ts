import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3018: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache curl'), [2]],
    ['pinned', dockerfile('FROM alpine:3.19', 'RUN apk add --no-cache curl=8.5.0-r0'), []],
    ['virtual name is not a package', dockerfile('FROM alpine:3.19', 'RUN apk add --virtual .deps gcc=13.2.1-r0'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

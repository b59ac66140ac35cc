import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4005: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['ln over /bin/sh', dockerfile('FROM debian:12', 'RUN ln -sfv /bin/bash /bin/sh'), [2]],
    ['other link', dockerfile('FROM debian:12', 'RUN ln -s /a /b'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

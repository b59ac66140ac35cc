import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3015: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['without', dockerfile('FROM debian:12', 'RUN apt-get install -y curl'), [2]],
    ['with flag', dockerfile('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl'), []],
    ['with apt option', dockerfile('FROM debian:12', 'RUN apt-get -o APT::Install-Recommends=false install -y curl'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

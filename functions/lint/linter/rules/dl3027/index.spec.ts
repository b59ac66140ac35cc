import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3027: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['apt', dockerfile('FROM debian:12', 'RUN apt install -y curl'), [2]],
    ['apt-get', dockerfile('FROM debian:12', 'RUN apt-get install -y curl'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

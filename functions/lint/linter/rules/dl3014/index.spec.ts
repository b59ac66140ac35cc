import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3014: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no -y', dockerfile('FROM debian:12', 'RUN apt-get install curl=1'), [2]],
    ['-y', dockerfile('FROM debian:12', 'RUN apt-get install -y curl=1'), []],
    ['--assume-yes', dockerfile('FROM debian:12', 'RUN apt-get --assume-yes install curl=1'), []],
    ['-qq implies yes', dockerfile('FROM debian:12', 'RUN apt-get -qq install curl=1'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

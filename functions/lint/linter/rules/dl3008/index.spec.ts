import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3008: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'), [2]],
    ['pinned', dockerfile('FROM debian:12', 'RUN apt-get install -y curl=7.88.1-10'), []],
    ['target release value is not a package', dockerfile('FROM debian:12', 'RUN apt-get install -t bookworm-backports -y curl=7.88'), []],
    ['local deb', dockerfile('FROM debian:12', 'RUN apt-get install -y ./pkg.deb'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3046: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['high uid', dockerfile('FROM centos:7', 'RUN useradd -u 123456 app'), [2]],
    ['high uid with -l', dockerfile('FROM centos:7', 'RUN useradd -l -u 123456 app'), []],
    ['low uid', dockerfile('FROM centos:7', 'RUN useradd -u 1001 app'), []],
    ['--uid=', dockerfile('FROM centos:7', 'RUN useradd --uid=1000000 app'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

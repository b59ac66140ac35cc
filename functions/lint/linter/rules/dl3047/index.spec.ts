import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3047: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['plain', dockerfile('FROM centos:7', 'RUN wget https://example.com/x.tgz'), [2]],
    ['progress', dockerfile('FROM centos:7', 'RUN wget --progress=dot:giga https://example.com/x.tgz'), []],
    ['quiet', dockerfile('FROM centos:7', 'RUN wget -q https://example.com/x.tgz'), []],
    ['-nv', dockerfile('FROM centos:7', 'RUN wget -nv https://example.com/x.tgz'), []],
    ['-O is not -o', dockerfile('FROM centos:7', 'RUN wget -O /tmp/x https://example.com/x.tgz'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3011: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['too large', dockerfile('FROM centos:7', 'EXPOSE 80800'), [2]],
    ['range with a bad end', dockerfile('FROM centos:7', 'EXPOSE 8000-70000/tcp'), [2]],
    ['valid with protocol', dockerfile('FROM centos:7', 'EXPOSE 53/udp 8080'), []],
    ['variable', dockerfile('FROM centos:7', 'EXPOSE $PORT'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3004: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['sudo', dockerfile('FROM centos:7', 'RUN sudo yum -y install httpd'), [2]],
    ['sudo later in a chain', dockerfile('FROM centos:7', 'RUN echo a && sudo ls'), [2]],
    ['sudoers edit', dockerfile('FROM centos:7', 'RUN sed -i s/x/y/ /etc/sudoers'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3001: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['service', dockerfile('FROM centos:7', 'RUN yum -y install httpd && service httpd start'), [2]],
    ['vim', dockerfile('FROM centos:7', 'RUN vim /etc/hosts'), [2]],
    ['ordinary commands', dockerfile('FROM centos:7', 'RUN echo ps top'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

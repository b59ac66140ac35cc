import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3030: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no -y', dockerfile('FROM centos:7', 'RUN yum install httpd && yum clean all'), [2]],
    ['-y', dockerfile('FROM centos:7', 'RUN yum -y install httpd && yum clean all'), []],
    ['--assumeyes', dockerfile('FROM centos:7', 'RUN yum install --assumeyes httpd'), []],
    ['groupinstall', dockerfile('FROM centos:7', "RUN yum groupinstall 'Development Tools'"), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

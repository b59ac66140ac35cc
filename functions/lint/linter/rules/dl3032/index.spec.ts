import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3032: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no clean', dockerfile('FROM centos:7', 'RUN yum -y install httpd'), [2]],
    ['clean all', dockerfile('FROM centos:7', 'RUN yum -y install httpd && yum clean all'), []],
    ['clean after ;', dockerfile('FROM centos:7', 'RUN yum -y install httpd; yum clean all'), []],
    ['rm the cache', dockerfile('FROM centos:7', 'RUN yum -y install httpd && rm -rf /var/cache/yum'), []],
    ['update only', dockerfile('FROM centos:7', 'RUN yum -y update'), []],
    ['onbuild', dockerfile('FROM centos:7', 'ONBUILD RUN yum -y install httpd'), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3033: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM centos:7', 'RUN yum install -y httpd && yum clean all'), [2]],
    ['pinned', dockerfile('FROM centos:7', 'RUN yum install -y httpd-2.4.6 && yum clean all'), []],
    ['rpm file', dockerfile('FROM centos:7', 'RUN yum install -y /tmp/x.rpm'), []],
    ['module without stream', dockerfile('FROM centos:8', 'RUN yum module install -y nodejs'), [2]],
    ['module with stream', dockerfile('FROM centos:8', 'RUN yum module install -y nodejs:18'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

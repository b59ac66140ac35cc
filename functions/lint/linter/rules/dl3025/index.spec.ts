import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3025: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['shell form CMD', dockerfile('FROM centos:7', 'CMD /run-httpd.sh'), [2]],
    ['shell form ENTRYPOINT', dockerfile('FROM centos:7', 'ENTRYPOINT exec httpd'), [2]],
    ['json form', dockerfile('FROM centos:7', 'CMD ["/run-httpd.sh"]', 'ENTRYPOINT ["/bin/sh", "-c"]'), []],
    ['invalid json is shell form', dockerfile('FROM centos:7', "CMD ['/run.sh']"), [2]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

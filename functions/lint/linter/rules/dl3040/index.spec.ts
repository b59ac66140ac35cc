import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3040: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no clean', dockerfile('FROM fedora:39', 'RUN dnf install -y httpd-2.4'), [2]],
    ['clean all after', dockerfile('FROM fedora:39', 'RUN dnf install -y httpd-2.4 && dnf clean all'), []],
    ['clean before install does not count', dockerfile('FROM fedora:39', 'RUN dnf clean all && dnf install -y httpd-2.4'), [2]],
    ['microdnf', dockerfile('FROM registry.access.redhat.com/ubi9-minimal:9.3', 'RUN microdnf install -y httpd-2.4'), [2]],
    ['rm cache', dockerfile('FROM fedora:39', 'RUN dnf install -y httpd-2.4 && rm -rf /var/cache/dnf'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

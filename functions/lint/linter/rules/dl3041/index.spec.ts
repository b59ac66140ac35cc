import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3041: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM fedora:39', 'RUN dnf install -y httpd && dnf clean all'), [2]],
    ['hyphenated name is not a version', dockerfile('FROM fedora:39', 'RUN dnf install -y postgresql-server && dnf clean all'), [2]],
    ['pinned', dockerfile('FROM fedora:39', 'RUN dnf install -y httpd-2.4.58 && dnf clean all'), []],
    ['module stream', dockerfile('FROM fedora:39', 'RUN dnf module install -y nodejs:18'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

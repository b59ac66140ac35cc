import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL4006: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['pipe', dockerfile('FROM centos:7', 'RUN curl -s https://x/a.tgz | tar xz'), [2]],
    ['pipefail shell', dockerfile('FROM centos:7', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -s https://x/a.tgz | tar xz'), []],
    ['reset by FROM', dockerfile('FROM centos:7', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'FROM centos:7', 'RUN a | b'), [4]],
    ['non-POSIX shell', dockerfile('FROM mcr.microsoft.com/powershell:7.4', 'SHELL ["pwsh", "-c"]', 'RUN a | b'), []],
    ['or is not a pipe', dockerfile('FROM centos:7', 'RUN a || b'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

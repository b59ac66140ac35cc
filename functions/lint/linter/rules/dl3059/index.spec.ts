import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3059: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['two short RUNs', dockerfile('FROM centos:7', 'RUN chmod +x /a', 'RUN chmod +x /b'), [3]],
    ['comment between', dockerfile('FROM centos:7', 'RUN chmod +x /a', '# why', 'RUN chmod +x /b'), [4]],
    ['other instruction between', dockerfile('FROM centos:7', 'RUN chmod +x /a', 'ENV A=1', 'RUN chmod +x /b'), []],
    ['long chain', dockerfile('FROM centos:7', 'RUN a && b && c', 'RUN d'), []],
    ['different mounts', dockerfile('FROM centos:7', 'RUN --mount=type=cache,target=/root/.cache a', 'RUN b'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

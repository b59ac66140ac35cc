import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3000: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['relative path', dockerfile('FROM centos:7', 'WORKDIR app'), [2]],
    ['absolute path', dockerfile('FROM centos:7', 'WORKDIR /app'), []],
    ['quoted absolute path', dockerfile('FROM centos:7', 'WORKDIR "/app"'), []],
    ['variable', dockerfile('FROM centos:7', 'WORKDIR $HOME'), []],
    ['windows drive', dockerfile('FROM mcr.microsoft.com/windows:1809', 'WORKDIR C:\\app'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3007: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['latest', dockerfile('FROM centos:latest'), [1]],
    ['latest pinned by digest', dockerfile('FROM centos:latest@sha256:0123456789abcdef'), []],
    ['release tag', dockerfile('FROM centos:7'), []],
    ["no tag (DL3006's business)", dockerfile('FROM centos'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

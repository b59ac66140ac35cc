import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3006: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['untagged', dockerfile('FROM centos'), [1]],
    ['tagged', dockerfile('FROM centos:7'), []],
    ['digest', dockerfile('FROM centos@sha256:0123456789abcdef'), []],
    ['registry with port, untagged', dockerfile('FROM localhost:5000/centos'), [1]],
    ['earlier stage', dockerfile('FROM centos:7 AS build', 'FROM build'), []],
    ['scratch', dockerfile('FROM scratch'), []],
    ['variable', dockerfile('ARG BASE=centos:7', 'FROM $BASE'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

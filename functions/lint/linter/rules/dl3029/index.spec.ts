import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3029: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['fixed platform', dockerfile('FROM --platform=linux/amd64 centos:7'), [1]],
    ['build platform variable', dockerfile('FROM --platform=$BUILDPLATFORM golang:1.21 AS build'), []],
    ['none', dockerfile('FROM centos:7'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3026: ${rule.summary}`, () => {
  it.each([
    ['untrusted registry', ['quay.io'], dockerfile('FROM registry.example.com/centos:7'), [1]],
    ['trusted registry', ['quay.io'], dockerfile('FROM quay.io/centos/centos:stream9'), []],
    ['docker hub implied', ['quay.io'], dockerfile('FROM centos:7'), [1]],
    ['docker hub allowed', ['docker.io'], dockerfile('FROM centos:7'), []],
    ['wildcard', ['*.example.com'], dockerfile('FROM registry.example.com/centos:7'), []],
    ['earlier stage', ['quay.io'], dockerfile('FROM quay.io/x/y:1 AS build', 'FROM build'), []],
    ['no trusted list set', [], dockerfile('FROM registry.example.com/centos:7'), []],
  ])('%s', (_title, trusted, text, lines) => {
    expect(findingLines(rule, text, trusted)).toEqual(lines);
  });
});

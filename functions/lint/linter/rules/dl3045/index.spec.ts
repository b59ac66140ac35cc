import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3045: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['relative without workdir', dockerfile('FROM centos:7', 'COPY app.conf etc/'), [2]],
    ['absolute', dockerfile('FROM centos:7', 'COPY app.conf /etc/'), []],
    ['after workdir', dockerfile('FROM centos:7', 'WORKDIR /opt', 'COPY app.conf etc/'), []],
    ['workdir inherited from the parent stage', dockerfile('FROM centos:7 AS base', 'WORKDIR /opt', 'FROM base', 'COPY a .'), []],
    ['workdir of another stage does not count', dockerfile('FROM centos:7 AS base', 'WORKDIR /opt', 'FROM centos:7', 'COPY a .'), [4]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

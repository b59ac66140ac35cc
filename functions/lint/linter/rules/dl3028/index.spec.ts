import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3028: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM ruby:3.2', 'RUN gem install rails'), [2]],
    ['pinned', dockerfile('FROM ruby:3.2', 'RUN gem install rails:7.1.2'), []],
    ['--version', dockerfile('FROM ruby:3.2', 'RUN gem install rails --version 7.1.2'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

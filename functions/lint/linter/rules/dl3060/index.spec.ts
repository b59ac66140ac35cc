import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3060: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['no clean', dockerfile('FROM node:20', 'RUN yarn install'), [2]],
    ['clean', dockerfile('FROM node:20', 'RUN yarn install && yarn cache clean'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

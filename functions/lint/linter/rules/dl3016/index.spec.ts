import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3016: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM node:20', 'RUN npm install -g express'), [2]],
    ['pinned', dockerfile('FROM node:20', 'RUN npm install express@4.18.2 @babel/core@7.23.0'), []],
    ['scoped unpinned', dockerfile('FROM node:20', 'RUN npm i @babel/core'), [2]],
    ['project install', dockerfile('FROM node:20', 'RUN npm install'), []],
    ['git url', dockerfile('FROM node:20', 'RUN npm install git+https://github.com/x/y.git#v1'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3042: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['without', dockerfile('FROM python:3.12', 'RUN pip install django==4.2'), [2]],
    ['with flag', dockerfile('FROM python:3.12', 'RUN pip install --no-cache-dir django==4.2'), []],
    ['env', dockerfile('FROM python:3.12', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install django==4.2'), []],
    ['env in another stage does not count', dockerfile('FROM python:3.12', 'ENV PIP_NO_CACHE_DIR=1', 'FROM python:3.12', 'RUN pip install django==4.2'), [4]],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

import { dockerfile, findingLines } from '../../testing/rule-harness';
import { rule } from '.';

describe(`DL3013: ${rule.summary}`, () => {
  it.each<[string, string, number[]]>([
    ['unpinned', dockerfile('FROM python:3.12', 'RUN pip install django'), [2]],
    ['pinned', dockerfile('FROM python:3.12', "RUN pip install django==4.2.7 'six>=1.16'"), []],
    ['requirements file', dockerfile('FROM python:3.12', 'RUN pip install -r requirements.txt'), []],
    ['index url value is not a package', dockerfile('FROM python:3.12', 'RUN pip3 install -i https://x/simple six==1.16'), []],
    ['python -m pip', dockerfile('FROM python:3.12', 'RUN python3 -m pip install six'), [2]],
    ['local wheel', dockerfile('FROM python:3.12', 'RUN pip install /tmp/x-1.0.whl'), []],
  ])('%s', (_title, text, lines) => {
    expect(findingLines(rule, text)).toEqual(lines);
  });
});

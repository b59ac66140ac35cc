import type { Issue } from '../../errors/validation-error';
import { declare, fileValue, Invalid, read, readEnv } from './api';
import { wholeNumber } from './parsers';

const LIMIT = declare({
  env: 'CCP_TEST_LIMIT',
  key: 'area.limit',
  description: 'a limit for this spec',
  default: 5,
  parse: wholeNumber(1, (raw, setting) => `"${String(raw)}" is no limit (${setting.env})`),
});

describe('read', () => {
  it.each([
    ['the default when nothing sets it', {}, {}, 5],
    ['the file over the default', {}, { area: { limit: 7 } }, 7],
    ['the variable over the file', { CCP_TEST_LIMIT: '9' }, { area: { limit: 7 } }, 9],
    ['an empty variable as unset', { CCP_TEST_LIMIT: '' }, { area: { limit: 7 } }, 7],
    ['an empty file value as unset', {}, { area: { limit: '' } }, 5],
  ])('takes %s', (_name, env, file, expected) => {
    const issues: Issue[] = [];
    expect({ value: read(LIMIT, { env, file, where: {}, issues }), issues }).toEqual({ value: expected, issues: [] });
  });

  it('names the file and key of a refused value and keeps the default', () => {
    const issues: Issue[] = [];
    expect(read(LIMIT, { env: {}, file: { area: { limit: 'lots' } }, where: { file: 'ccp.yaml' }, issues })).toEqual(5);
    expect(issues).toEqual([{ file: 'ccp.yaml', field: 'area.limit', message: '"lots" is no limit (CCP_TEST_LIMIT)' }]);
  });

  it('names the variable of a setting without a file key', () => {
    const issues: Issue[] = [];
    const variableOnly = declare({
      env: 'CCP_TEST_ONLY',
      description: 'a variable-only setting',
      parse: (raw) => (raw === 'ok' ? 'ok' : new Invalid('must be ok', 'and nothing else')),
    });
    expect(readEnv(variableOnly, { CCP_TEST_ONLY: 'no' }, issues)).toBeUndefined();
    expect(issues).toEqual([
      { field: 'CCP_TEST_ONLY', message: 'must be ok' },
      { field: 'CCP_TEST_ONLY', message: 'and nothing else' },
    ]);
  });
});

describe('fileValue', () => {
  it.each([
    ['a nested key', { a: { b: 1 } }, 'a.b', 1],
    ['a missing step', { a: {} }, 'a.b.c', undefined],
    ['a list on the way', { a: [1] }, 'a.0', undefined],
    ['no key', { a: 1 }, undefined, undefined],
  ])('reads %s', (_name, file, key, expected) => {
    expect(fileValue(file, key)).toEqual(expected);
  });
});

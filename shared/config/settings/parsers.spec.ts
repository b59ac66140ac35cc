import { Invalid, type Parser } from './api';
import { httpUrl, lenientBoolean, list, mapping, oneOf, positiveNumber, size, strictBoolean, text, wholeNumber } from './parsers';

const SETTING = { env: 'CCP_X', key: 'x' };
const run = <T>(parser: Parser<T>, raw: unknown): T | string[] => {
  const parsed = parser(raw, SETTING);
  return parsed instanceof Invalid ? parsed.messages : parsed;
};

describe('the setting parsers', () => {
  it.each<[string, Parser<unknown>, unknown, unknown]>([
    ['text of a number', text, 42, '42'],
    ['a listed word', oneOf(['a', 'b'], 'must be a or b'), 'b', 'b'],
    ['an unlisted word', oneOf(['a', 'b'], (raw, setting) => `"${String(raw)}" (${setting.env})`), 'c', ['"c" (CCP_X)']],
    ['a lenient no', lenientBoolean, 'OFF', false],
    ['a lenient anything else', lenientBoolean, 'sure', true],
    ['a YAML boolean', lenientBoolean, false, false],
    ['a strict yes', strictBoolean('bad'), 'yes', true],
    ['a strict-only word', strictBoolean('must be true or false', true), 'yes', ['must be true or false']],
    ['a whole number', wholeNumber(1, 'bad'), '12', 12],
    ['a number below the least', wholeNumber(1, 'must be 1 or more'), '0', ['must be 1 or more']],
    ['a number past the most', wholeNumber(0, 'too big', 10), 11, ['too big']],
    ['a fraction as a whole number', wholeNumber(0, 'not whole'), '1.5', ['not whole']],
    ['an empty whole number', wholeNumber(0, 'empty'), ' ', ['empty']],
    ['a fraction above 0', positiveNumber('bad'), '0.5', 0.5],
    ['zero where it is allowed', positiveNumber('bad', true), '0', 0],
    ['zero where it is not', positiveNumber('above 0'), 0, ['above 0']],
    ['a size with a unit', size('bad'), '2mb', 2 * 1024 ** 2],
    ['a size as a YAML number', size('bad'), 512, 512],
    ['a size with a unit not allowed', size('no gb', ['kb', 'mb']), '1gb', ['no gb']],
    ['a zero size', size('above 0'), '0kb', ['above 0']],
    ['an https URL', httpUrl('bad'), 'https://x.example/y', 'https://x.example/y'],
    ['a URL of another scheme', httpUrl('must be an http(s) URL'), 'ftp://x', ['must be an http(s) URL']],
    ['a comma-separated list', list('bad'), ' a, ,b ', ['a', 'b']],
    ['a YAML list', list('bad'), ['a', 2], ['a', '2']],
    ['a mapping as a list', list('must be a list'), { a: 1 }, ['must be a list']],
    ['a mapping', mapping('bad'), { a: 1 }, { a: 1 }],
    ['a list as a mapping', mapping('must be a mapping'), ['a'], ['must be a mapping']],
  ])('%s', (_name, parser, raw, expected) => {
    expect(run(parser, raw)).toEqual(expected);
  });
});

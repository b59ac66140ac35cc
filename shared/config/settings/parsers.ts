import { Invalid, type Parser, type SettingName } from './api';

/** The message of a refused value: fixed words, or words made from the value and the setting. */
type Message = string | ((raw: unknown, setting: SettingName) => string);

function say(message: Message, raw: unknown, setting: SettingName): Invalid {
  return new Invalid(typeof message === 'string' ? message : message(raw, setting));
}

/** Any text, as given (a number in the file becomes its digits). */
export const text: Parser<string> = (raw) => String(raw);

/** One of `values`, exactly. */
export function oneOf<T extends string>(values: readonly T[], message: Message): Parser<T> {
  return (raw, setting) => (values.includes(String(raw) as T) ? (String(raw) as T) : say(message, raw, setting));
}

/** A switch where only `0`, `false`, `no` and `off` are false (and the file's booleans). */
export const lenientBoolean: Parser<boolean> = (raw) => (typeof raw === 'boolean' ? raw : !['0', 'false', 'no', 'off'].includes(String(raw).toLowerCase()));

/** `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0` (with `strict`, only `true` or `false`); anything else is refused. */
export function strictBoolean(message: Message, strict = false): Parser<boolean> {
  const yes = strict ? ['true'] : ['1', 'true', 'yes', 'on'];
  const no = strict ? ['false'] : ['0', 'false', 'no', 'off'];
  return (raw, setting) => {
    const word = String(raw).toLowerCase();
    if (yes.includes(word)) return true;
    if (no.includes(word)) return false;
    return say(message, raw, setting);
  };
}

/** A whole number from `min` (to `max`), as a string or a YAML number; `safe` also refuses numbers past 2^53. */
export function wholeNumber(min: number, message: Message, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (raw, setting) => {
    const number = Number(raw);
    return String(raw).trim() !== '' && Number.isSafeInteger(number) && number >= min && number <= max ? number : say(message, raw, setting);
  };
}

/** A number above 0 (with `orZero`, 0 or more), fractions allowed. */
export function positiveNumber(message: Message, orZero = false): Parser<number> {
  return (raw, setting) => {
    const number = Number(raw);
    return String(raw).trim() !== '' && Number.isFinite(number) && (number > 0 || (orZero && number === 0)) ? number : say(message, raw, setting);
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Bytes: a whole number above 0, or one with a unit of `units` (`kb`, `mb`, …, 1024-based). */
export function size(message: Message, units: readonly string[] = ['b', 'kb', 'kib', 'mb', 'mib', 'gb', 'gib']): Parser<number> {
  const pattern = new RegExp(`^(\\d+)\\s*(${units.join('|')})?$`, 'i');
  return (raw, setting) => {
    if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw > 0 ? raw : say(message, raw, setting);
    const match = typeof raw === 'string' ? pattern.exec(raw.trim()) : null;
    const bytes = match ? Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]! : 0;
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : say(message, raw, setting);
  };
}

/** An `http(s)://` URL. */
export function httpUrl(message: Message): Parser<string> {
  return (raw, setting) => (/^https?:\/\/[^\s/][^\s]*$/.test(String(raw)) ? String(raw) : say(message, raw, setting));
}

/** A comma-separated string or a YAML list of strings, trimmed, empty entries dropped. */
export function list(message: Message): Parser<string[]> {
  return (raw, setting) => {
    const entries = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
    return entries ? entries.map((entry) => String(entry).trim()).filter(Boolean) : say(message, raw, setting);
  };
}

/** A YAML mapping, checked further by its loader. */
export function mapping(message: Message): Parser<Record<string, unknown>> {
  return (raw, setting) => (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : say(message, raw, setting));
}

import { secretForms } from './secret-forms';

/** What every secret and every URL's credentials are replaced with, in logs and mails alike. */
export const REDACTED = '***';

/** Longest `user:password` of a URL that is recognised; a longer one is no URL anyone typed. */
export const URL_USERINFO_MAX = 512;

/** Secrets as the callers hold them (configuration values), or a redactor made from them once. */
export type Secrets = ReadonlyArray<string | undefined> | Redactor;

/** The forms of a list of secrets, made once, and how far a match can reach. */
export interface Redactor {
  readonly forms: readonly string[];
  /**
   * The longest text a match can depend on: the longest form, or `://` and the userinfo of a
   * URL with its `@`. A stream that keeps the last `reach - 1` characters never cuts a match.
   */
  readonly reach: number;
}

/** A half-open range `[start, end)` of the text to replace. */
export type Range = readonly [number, number];

const cache = new WeakMap<object, Redactor>();

/**
 * The redactor of `secrets`: every form of every secret ({@link secretForms}), made once per
 * list (the configuration's list is one array for the process's lifetime).
 * @see ./readme.md
 */
export function redactorFor(secrets: Secrets): Redactor {
  if (isRedactor(secrets)) return secrets;
  const known = cache.get(secrets);
  if (known) return known;
  const forms = secretForms(secrets);
  const redactor: Redactor = { forms, reach: Math.max(3 + URL_USERINFO_MAX + 1, ...forms.map((form) => form.length)) };
  cache.set(secrets, redactor);
  return redactor;
}

/**
 * Replaces every form of every secret, and the credentials of every `scheme://user:pw@host`
 * (or `scheme://token@host`) URL, with {@link REDACTED}. Linear in the length of `text` for any
 * text: one native substring search per form, one forward scan per `://` that stops at the next
 * `/`, no backtracking regular expression.
 * @see ./readme.md
 */
export function redact(text: string, secrets: Secrets): string {
  if (text.length === 0) return text;
  return replaceRanges(text, findSecrets(text, redactorFor(secrets)));
}

/** Where `text` holds a secret or URL credentials: sorted, merged ranges. */
export function findSecrets(text: string, redactor: Redactor): Range[] {
  const ranges: [number, number][] = [];
  for (const form of redactor.forms) {
    let at = text.indexOf(form);
    while (at >= 0) {
      ranges.push([at, at + form.length]);
      at = text.indexOf(form, at + form.length);
    }
  }
  urlCredentials(text, ranges);
  return merge(ranges);
}

/** Rebuilds `text` with every range replaced by {@link REDACTED}. */
export function replaceRanges(text: string, ranges: readonly Range[]): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    parts.push(text.slice(from, start), REDACTED);
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * The userinfo of every URL: after `://`, up to the last `@` before the host ends (`/`, `?`,
 * `#`, a space, a quote or a bracket), within {@link URL_USERINFO_MAX} characters. The scan from
 * one `://` stops at the `/` of the next, so every character is read at most twice.
 */
function urlCredentials(text: string, ranges: [number, number][]): void {
  let at = text.indexOf('://');
  while (at >= 0) {
    const start = at + 3;
    const limit = Math.min(text.length, start + URL_USERINFO_MAX + 1);
    let lastAt = -1;
    let index = start;
    for (; index < limit; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x40) lastAt = index;
      else if (code <= 0x20 || ENDS_USERINFO.has(code)) break;
    }
    if (lastAt > start) ranges.push([start, lastAt]);
    at = text.indexOf('://', start);
  }
}

/** `/ ? # " ' < > \` and DEL: none of them is in a URL's userinfo unescaped. */
const ENDS_USERINFO = new Set([0x2f, 0x3f, 0x23, 0x22, 0x27, 0x3c, 0x3e, 0x5c, 0x7f]);

function merge(ranges: [number, number][]): Range[] {
  if (ranges.length <= 1) return ranges;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [ranges[0]!];
  for (const range of ranges.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return merged;
}

function isRedactor(secrets: Secrets): secrets is Redactor {
  return !Array.isArray(secrets);
}

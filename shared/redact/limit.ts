/** Longest reason (a build's or a notice item's), cause message or rejection text that is passed on, in characters. */
export const MAX_REASON_LENGTH = 4096;

/**
 * `text` cut to at most `max` characters: its head, then a marker saying how much was left out.
 * Redact first and cut afterwards, so that a secret cut in half is never half shown.
 * @see ./readme.md
 */
export function limitText(text: string, max: number = MAX_REASON_LENGTH): string {
  if (text.length <= max) return text;
  const marker = ` … [${text.length} characters, cut to ${max}]`;
  let keep = Math.max(0, max - marker.length);
  // Never split a surrogate pair: half of one is no character at all.
  if (keep > 0 && isHighSurrogate(text.charCodeAt(keep - 1))) keep -= 1;
  return text.slice(0, keep) + marker;
}

/** True for the first half of a UTF-16 surrogate pair. */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

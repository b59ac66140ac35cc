const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML element content and quoted attribute values: `& < > " '` become
 * entities, so a hostile package name or label value stays text.
 * @see https://html.spec.whatwg.org/multipage/syntax.html#escapingString
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * An `href` that is safe to put in a page: http(s) URLs and relative paths; `null` for any
 * other scheme (`javascript:`, `data:`), which a link must never carry.
 */
export function safeHref(href: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.trim());
  if (scheme && !['http', 'https'].includes(scheme[1]!.toLowerCase())) return null;
  return escapeHtml(href.trim());
}

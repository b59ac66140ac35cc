import type { MailDocument } from './document';

export const CRLF = '\r\n';

/** Every line break of `text` (LF, CR, CRLF) as CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, CRLF);
}

/**
 * The plain-text part: headings underlined, `Label: value` rows aligned, `- ` bullets, and each
 * link on its own line so that terminals and mail clients make it clickable. Lines end in CRLF,
 * as RFC 5322 and RFC 2046 require of a text body: a line break inside a value becomes CRLF too,
 * so no bare LF reaches the message.
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-4.1.1
 */
export function renderText(document: MailDocument): string {
  const lines: string[] = [];
  for (const section of document.sections) {
    if (section.heading) lines.push(section.heading, '-'.repeat(Math.min(section.heading.length, 72)));
    const width = Math.max(0, ...(section.rows ?? []).map(([label]) => label.length));
    for (const [label, value] of section.rows ?? []) lines.push(`${`${label}:`.padEnd(width + 2)}${value}`);
    for (const item of section.items ?? []) lines.push(`- ${item}`);
    for (const link of section.links ?? []) lines.push(`${link.label}:`, `  ${link.url}`);
    lines.push('');
  }
  lines.push('-- ', "Sent by ccp, the container pipeline. Your project's notify-email in the container index decides who gets these mails.");
  return `${lines.map(crlf).join(CRLF)}${CRLF}`;
}

import type { MailDocument } from './document';

/**
 * The plain-text part: headings underlined, `Label: value` rows aligned, `- ` bullets, and each
 * link on its own line so that terminals and mail clients make it clickable.
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.4
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
  lines.push('-- ', 'Sent by ccp, the container pipeline. Your project\'s notify-email in the container index decides who gets these mails.');
  return `${lines.join('\n')}\n`;
}

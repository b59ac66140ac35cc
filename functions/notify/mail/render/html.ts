import { escapeHtml } from '../../../../shared/reports/html-escape';
import type { MailDocument } from './document';
import { CRLF, crlf } from './text';

const COLORS = { SUCCESS: '#1a7f37', FAILED: '#cf222e' } as const;

/**
 * The HTML part: the same document as the text part, with inline styles only (mail clients
 * drop style sheets) and every value escaped; lines end in CRLF like the rest of the message.
 * @see https://www.caniemail.com/
 */
export function renderHtml(document: MailDocument): string {
  const body: string[] = [];
  for (const [index, section] of document.sections.entries()) {
    if (section.heading) {
      const color = index === 0 ? `color:${COLORS[document.status]};` : '';
      body.push(`<h${index === 0 ? 2 : 3} style="${color}margin:16px 0 8px">${escapeHtml(section.heading)}</h${index === 0 ? 2 : 3}>`);
    }
    if (section.rows?.length) {
      body.push('<table style="border-collapse:collapse">');
      for (const [label, value] of section.rows) {
        body.push(
          `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(label)}</th><td style="padding:2px 0;font-family:monospace">${escapeHtml(value)}</td></tr>`,
        );
      }
      body.push('</table>');
    }
    if (section.items?.length) {
      const strong = new Set(section.highlighted ?? []);
      body.push(
        `<ul>${section.items.map((item, at) => (strong.has(at) ? `<li><strong>${escapeHtml(item)}</strong></li>` : `<li>${escapeHtml(item)}</li>`)).join('')}</ul>`,
      );
    }
    if (section.links?.length) {
      body.push(`<ul>${section.links.map((link) => `<li><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></li>`).join('')}</ul>`);
    }
  }
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(document.subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px;line-height:1.4">',
    ...body,
    '<p style="color:#57606a;font-size:12px">Sent by ccp, the container pipeline. Your project&#39;s notify-email in the container index decides who gets these mails.</p>',
    '</body></html>',
    '',
  ]
    .map(crlf)
    .join(CRLF);
}

import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from '../types';

/**
 * nodemailer's message options for a mail: both parts, fixed Message-ID, CRLF line ends in
 * every part (`newline: 'windows'`: what the renderers already write, enforced for anything
 * that slips through), and no access to files or URLs (nothing in a mail may pull local files
 * in, whatever a report name says).
 * @see https://nodemailer.com/message/
 */
export function messageOptions(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    ...(mail.cc.length > 0 ? { cc: mail.cc } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.messageId}>`,
    headers: mail.headers,
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'windows',
  };
}

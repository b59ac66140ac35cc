import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type MailComposerType from 'nodemailer/lib/mail-composer';
import type { MailSettings } from '../../../../../shared/config/mail-settings';
import type { MailTransport, MailTransportPlugin, OutgoingMail, SendResult } from '../../types';
import { messageOptions } from '../compose';

/**
 * Writes each mail as an RFC 5322 `.eml` file (any mail client opens it) instead of sending it:
 * what `npm start` does, so a laptop shows the mails the pipeline would send.
 * @see https://nodemailer.com/extras/mailcomposer/
 */
export const dirTransport: MailTransportPlugin = {
  id: 'dir',
  description: 'writes .eml files into a folder (ccp run --mail-to-dir, CCP_MAIL_TO_DIR)',
  configured: (settings: MailSettings) => settings.toDir !== undefined,
  create(settings: MailSettings): MailTransport {
    const dir = path.resolve(settings.toDir as string);
    return {
      id: 'dir',
      async send(mail: OutgoingMail): Promise<SendResult> {
        // Required when a mail is written: a notify process that sends none never loads nodemailer.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const MailComposer = require('nodemailer/lib/mail-composer') as typeof MailComposerType;
        const raw = await new MailComposer(messageOptions(mail)).compile().build();
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, emlName(mail));
        await writeFile(file, raw);
        return { accepted: [...mail.to, ...mail.cc], rejected: [], location: file };
      },
      close: () => undefined,
    };
  },
};

/** `<UTC time>-<subject words>-<hash of the Message-ID>.eml`: sorts by time, says what it is. */
function emlName(mail: OutgoingMail): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const words = mail.subject
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(mail.messageId).digest('hex').slice(0, 8);
  return `${stamp}-${words}-${hash}.eml`;
}

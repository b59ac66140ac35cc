import type { MailSettings } from '../../../../shared/config/mail-settings';
import type { MailTransport, MailTransportPlugin } from '../types';
import { dirTransport } from './dir';
import { smtpTransport } from './smtp';

/** Every way of delivering mail, in order of preference: a folder given on purpose beats SMTP. */
export const MAIL_TRANSPORTS: readonly MailTransportPlugin[] = [dirTransport, smtpTransport];

/**
 * The transport the settings ask for, or `null` when mail is not configured (the notify
 * function then logs what it would have sent).
 * @see https://nodemailer.com/transports/
 */
export function createMailTransport(settings: MailSettings): MailTransport | null {
  const plugin = MAIL_TRANSPORTS.find((candidate) => candidate.configured(settings));
  return plugin ? plugin.create(settings) : null;
}

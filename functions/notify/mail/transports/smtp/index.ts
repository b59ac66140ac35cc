import type nodemailerType from 'nodemailer';
import { MailTransportError } from '../../errors';
import type { MailSettings, SmtpSettings } from '../../../../../shared/config/mail-settings';
import type { MailTransport, MailTransportPlugin, OutgoingMail, SendResult } from '../../types';
import { messageOptions } from '../compose';

/** Reply codes of a refused recipient that will not change on a retry. */
const PERMANENT = 500;

/**
 * SMTP through nodemailer: TLS, STARTTLS or plain as configured, optional login. A recipient
 * the server refuses for good (5xx) is returned as rejected while the others get the mail; a
 * server that is down or answers 4xx is a {@link MailTransportError} (retried by the broker).
 * @see https://nodemailer.com/smtp/
 */
export const smtpTransport: MailTransportPlugin = {
  id: 'smtp',
  description: 'sends over SMTP (CCP_SMTP_HOST, CCP_SMTP_PORT, CCP_SMTP_SECURE, CCP_SMTP_USER, CCP_SMTP_PASSWORD)',
  configured: (settings: MailSettings) => settings.smtp !== undefined,
  create(settings: MailSettings): MailTransport {
    const smtp = settings.smtp as SmtpSettings;
    // Required when the transport is made (mail is configured), not when the module is: ~0.2 s.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodemailer = require('nodemailer') as typeof nodemailerType;
    const transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'none',
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      id: 'smtp',
      async send(mail: OutgoingMail): Promise<SendResult> {
        try {
          const info = await transporter.sendMail(messageOptions(mail));
          const reasons = new Map((info.rejectedErrors ?? []).map((error) => [String((error as { recipient?: string }).recipient ?? ''), error.message]));
          return {
            accepted: info.accepted.map(String),
            rejected: info.rejected.map((address) => ({ address: String(address), reason: reasons.get(String(address)) ?? 'refused by the mail server' })),
            location: `${smtp.host}:${smtp.port} ${info.response}`,
          };
        } catch (error) {
          return allRejectedOrThrow(error, mail, smtp);
        }
      },
      close: () => transporter.close(),
    };
  },
};

interface SmtpError {
  code?: string;
  responseCode?: number;
  message: string;
  rejected?: string[];
  rejectedErrors?: { recipient?: string; message: string; responseCode?: number }[];
}

/** Every recipient refused for good is an outcome, not a failure; anything else is retried. */
function allRejectedOrThrow(error: unknown, mail: OutgoingMail, smtp: SmtpSettings): SendResult {
  const failure = error as SmtpError;
  const permanent =
    failure.code === 'EENVELOPE' &&
    (failure.rejectedErrors ?? []).length > 0 &&
    (failure.rejectedErrors ?? []).every((item) => (item.responseCode ?? 0) >= PERMANENT);
  if (permanent) {
    return { accepted: [], rejected: (failure.rejectedErrors ?? []).map((item) => ({ address: item.recipient ?? '', reason: item.message })) };
  }
  const where = `${smtp.host}:${smtp.port}`;
  throw new MailTransportError(`cannot send mail ${mail.messageId} through ${where}: ${failure.message}`, {
    ...(failure.code ? { code: failure.code } : {}),
    ...(failure.responseCode ? { responseCode: failure.responseCode } : {}),
  });
}

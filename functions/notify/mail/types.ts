import type { MailSettings } from '../../../shared/config/mail-settings';

/** One mail, ready to send: both parts rendered, secrets already removed. */
export interface OutgoingMail {
  /** Without the angle brackets; derived from the event and recipients, so a resend has the same one. */
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  /** Extra headers (`X-CCP-Event`, `Auto-Submitted`…). */
  headers: Record<string, string>;
}

export interface RejectedRecipient {
  address: string;
  reason: string;
}

export interface SendResult {
  accepted: string[];
  /** Recipients the server refused for good (5xx on RCPT TO); the others still got the mail. */
  rejected: RejectedRecipient[];
  /** Where the mail went: the `.eml` file, or the server's reply. */
  location?: string;
}

/** Sends mails; created per event and closed after it. */
export interface MailTransport {
  readonly id: string;
  /** Sends one mail; throws MailTransportError when the server cannot take it now. */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

/**
 * A way of delivering mail: renovate-style plug-in, one folder under `transports/<id>/`,
 * registered in `transports/api.ts`. The first plug-in whose `configured` is true is used.
 */
export interface MailTransportPlugin {
  id: string;
  /** One sentence for the README and the logs. */
  description: string;
  configured(settings: MailSettings): boolean;
  create(settings: MailSettings): MailTransport;
}

/**
 * The mail server could not take the mail now (down, refused the connection, answered 4xx,
 * rejected the login). Not a ValidationError, so the broker retries the event with backoff and
 * then dead-letters it; the notify function has its own Trigger, so nothing else waits on it.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export class MailTransportError extends Error {
  override readonly name = 'MailTransportError';
  readonly retryable = true;
  /** nodemailer's error code (`ECONNECTION`, `ETIMEDOUT`, `EAUTH`…), when there is one. */
  readonly code?: string;
  /** The SMTP reply code, when the server answered. */
  readonly responseCode?: number;

  constructor(message: string, details: { code?: string; responseCode?: number } = {}) {
    super(message);
    if (details.code) this.code = details.code;
    if (details.responseCode) this.responseCode = details.responseCode;
  }
}

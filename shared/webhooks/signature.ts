import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * The signature header value GitHub (`X-Hub-Signature-256`) and the generic webhook
 * (`X-Ccp-Signature-256`) carry: `sha256=` and the hex HMAC-SHA256 of the raw body.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * True when `header` is `sha256=<hex>` and the hex is the HMAC-SHA256 of the raw `body` under
 * `secret`. Compares the digests in constant time; a header of any other shape is false.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verifyBodySignature(header: string | undefined, body: Buffer, secret: string): boolean {
  const given = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected);
}

/**
 * The generic webhook's signature when it carries a timestamp: `sha256=` and the hex
 * HMAC-SHA256 of `<timestamp>.<raw body>`, so a captured delivery cannot be re-sent with a
 * fresh timestamp (Stripe's and Slack's scheme).
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
export function signTimestampedBody(timestamp: string, body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * True when `header` is `sha256=<hex>` of {@link signTimestampedBody}`(timestamp, body)`;
 * constant time, any other shape is false.
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
export function verifyTimestampedSignature(header: string | undefined, timestamp: string, body: Buffer, secret: string): boolean {
  const given = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected);
}

/**
 * Compares a shared-secret token (GitLab's `X-Gitlab-Token`) with the expected one in constant
 * time, lengths included: both are hashed first, so `timingSafeEqual` gets equal-length buffers
 * and the time spent says nothing about the secret's length either.
 * @see https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token
 */
export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A stable id for a delivery that carries none: the SHA-256 of its body, hex. */
export function bodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export const REDACTED = '***';

/**
 * The password of a `scheme://user:password@host` URL. The look-behind and the bounded scheme
 * keep the match linear on long runs of letters (a base64 blob in build output), where an
 * unanchored `[a-z][a-z0-9+.-]*://` would try every start and take quadratic time.
 */
const URL_PASSWORD = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^/\s:@]{1,256}):[^@\s/]{1,256}@/g;

/**
 * Replaces every secret, and the password of any URL with credentials, in `text`. `secrets`
 * should be longest first, so that a secret containing another is replaced whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text.includes('://') ? text.replace(URL_PASSWORD, `$1:${REDACTED}@`) : text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

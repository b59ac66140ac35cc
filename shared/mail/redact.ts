const REDACTED = '[redacted]';
/** `scheme://user:password@host`: credentials in a URL, as a failing push or clone may print them. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/**
 * Removes every configured secret and every password in a URL from `text`, so that no reason,
 * log excerpt or report name carries one into a mail.
 * @see https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
 */
export function redact(text: string, secrets: readonly string[]): string {
  let clean = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length > 0) clean = clean.split(secret).join(REDACTED);
  }
  return clean;
}

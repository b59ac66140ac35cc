/**
 * A plain `local@domain` address as an index's `notify-email` holds it: no display name, no
 * spaces, a domain of letters, digits and hyphens (a dotless `localhost` too). Stricter than
 * RFC 5322 on purpose: what fails here would at best bounce, at worst reach someone else.
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.1.2
 */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** True when `address` is a mailbox the notify function will try to send to. */
export function isValidAddress(address: string): boolean {
  return ADDRESS.test(address) && !address.startsWith('.') && !address.includes('..');
}

/** Lower-cased domain, trimmed: one recipient however the index spells it. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

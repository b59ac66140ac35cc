import type { CascadeRecord, CascadeSignatureCheck } from '../../../shared/cascade/types';
import type { ParentSignaturePolicy } from '../../../shared/config/settings/signing';
import { parentDecision, parentSignatureMessage, type ParentVerdict } from '../../../shared/signing/parent-signatures';

/**
 * What a parent's verdict means for its children in a cascade record: `use` (verified, or the
 * policy is `off`), `warn` (they build; the message is carried into their items and the notice)
 * or `refuse` (they end `failed`, unbuilt, the message their reason: cascade-advance.ts).
 * @see ../../../docs/admin-guide.md#signed-images
 */
export function signatureCheck(policy: ParentSignaturePolicy, parent: string, verdict: ParentVerdict): CascadeSignatureCheck {
  const decision = parentDecision(policy, verdict);
  return { digest: verdict.digest, verified: verdict.verified, decision, ...(verdict.verified ? {} : { message: parentSignatureMessage(parent, verdict) }) };
}

/**
 * True when an item of the cascade still waits for `parent`: only then is its signature worth
 * checking (a leaf, or a redelivery after the children were released, costs no fetch).
 */
export function childrenWaitOn(record: CascadeRecord, parent: string): boolean {
  return record.items.some((item) => item.status === 'waiting' && item.after.includes(parent));
}

/** The planned cascade with its origin item (the rebuilt parent) carrying the check, before its first release. */
export function withOriginSignature(record: CascadeRecord, check: CascadeSignatureCheck): CascadeRecord {
  return { ...record, items: record.items.map((item) => (item.status === 'origin' ? { ...item, signature: check } : item)) };
}

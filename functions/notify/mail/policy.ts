import type { BuildCauseKind } from '../../../shared/events/types';
import { imageName, type ProjectRef } from '../../../shared/index/types';
import type { MailPolicy } from '../../../shared/config/mail-settings';

/** Why a mail is sent or not, for the logs. */
export interface MailDecision {
  send: boolean;
  why: string;
}

/** Causes a person asked for: their builds are always mailed unless a policy says otherwise. */
const ASKED_FOR: readonly BuildCauseKind[] = ['manual', 'first-build'];

/**
 * The policy of a project: `*`, then its app-id, then its `app-id/job-id:tag`, each overriding
 * the fields it sets.
 */
export function policyFor(policies: Readonly<Record<string, MailPolicy>>, ref: ProjectRef): MailPolicy {
  return { ...policies['*'], ...policies[ref.appId], ...policies[imageName(ref)] };
}

/**
 * Whether a build's outcome is mailed. Default: every build a person asked for (manual, first
 * build); for automatic rebuilds only failures and the first success after a failure (a fix),
 * because a mail per nightly RPM rebuild is what made the seed's users stop reading.
 */
export function decideBuildMail(
  policy: MailPolicy,
  cause: BuildCauseKind,
  status: 'succeeded' | 'failed',
  previous: 'succeeded' | 'failed' | null,
): MailDecision {
  const mode = policy.builds ?? (ASKED_FOR.includes(cause) ? 'all' : 'failures-and-fixes');
  if (mode === 'all') return { send: true, why: `policy all (${cause})` };
  if (status === 'failed') return { send: true, why: 'failure' };
  if (previous === 'failed') return { send: true, why: 'fix: the previous build failed' };
  return { send: false, why: `quiet: automatic ${cause} rebuild succeeded as before` };
}

/** Whether a scan is mailed: always, or (default) only the first one and one whose result changed. */
export function decideScanMail(policy: MailPolicy, previousFingerprint: string | null, fingerprint: string): MailDecision {
  if ((policy.scans ?? 'changes') === 'always') return { send: true, why: 'policy always' };
  if (previousFingerprint === null) return { send: true, why: 'first scan of this image' };
  if (previousFingerprint !== fingerprint) return { send: true, why: 'result changed' };
  return { send: false, why: 'quiet: same result as the previous scan' };
}

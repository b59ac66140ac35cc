import { createHash } from 'node:crypto';
import type { GitPushData } from '../../shared/events/contracts/git-push';
import { PreconditionFailedError } from '../../shared/store/errors';
import type { ObjectStore } from '../../shared/store/types';
import { normalizeRepoUrl } from '../../shared/webhooks/normalize-repo-url';

/** `state/dispatch/accepted/<sha256>.json`: the first push accepted for one commit of one branch. */
export interface AcceptedPush {
  repoKey: string;
  branch: string;
  commit: string;
  /** `<source> <id>` of the event that was accepted: only its own redelivery goes on. */
  eventKey: string;
  at: string;
}

/** What became of a push: the first of its commit (or that event again), or a replay of another. */
export type PushAcceptance = { kind: 'first' } | { kind: 'replay'; first: AcceptedPush };

/** The marker key of (repository, branch, commit): one whatever URL form or letter case the push used. */
export function acceptedPushKey(push: Pick<GitPushData, 'repoUrl' | 'branch' | 'commit'>): string {
  const repoKey = normalizeRepoUrl(push.repoUrl) ?? push.repoUrl;
  const digest = createHash('sha256').update(`${repoKey}\n${push.branch}\n${push.commit.toLowerCase()}`).digest('hex');
  return `state/dispatch/accepted/${digest}.json`;
}

/**
 * Accepts a push once per (repository, branch, commit): a create-only marker in the store, so
 * the same signed push sent again under a new delivery id (a GitHub "Redeliver", a captured
 * request replayed, a GitHubSource and a webhook both sending it) builds nothing new. The
 * event that wrote the marker passes again, so the broker's retry of an event whose handler
 * died still finishes its work (the coalescer and the cascade records make that idempotent).
 * A branch moved back to a commit it already built is a replay too: rebuild it by hand.
 * @see https://docs.github.com/en/webhooks/using-webhooks/handling-webhook-deliveries#protect-against-replay-attacks
 */
export async function acceptPushOnce(store: ObjectStore, push: GitPushData, eventKey: string, now = new Date()): Promise<PushAcceptance> {
  const key = acceptedPushKey(push);
  const marker: AcceptedPush = {
    repoKey: normalizeRepoUrl(push.repoUrl) ?? push.repoUrl,
    branch: push.branch,
    commit: push.commit.toLowerCase(),
    eventKey,
    at: now.toISOString(),
  };
  try {
    await store.put(key, `${JSON.stringify(marker)}\n`, { ifNoneMatch: '*', contentType: 'application/json' });
    return { kind: 'first' };
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
  const stored = await store.get(key);
  if (!stored) throw new Error(`accepted-push marker ${key} vanished`);
  const first = JSON.parse(stored.body.toString('utf8')) as AcceptedPush;
  return first.eventKey === eventKey ? { kind: 'first' } : { kind: 'replay', first };
}

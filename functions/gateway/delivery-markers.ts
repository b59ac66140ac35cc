import { createHash } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';
import { PreconditionFailedError } from '../../shared/store/errors';
import type { ObjectStore } from '../../shared/store/types';

/** `state/gateway/deliveries/<sha256>.json`: a webhook delivery the gateway has published. */
export interface DeliveryMarker {
  /** `<source> <id>` of the published `git.push` (the provider and its delivery id). */
  eventKey: string;
  repo: string;
  branch: string;
  commit: string;
  at: string;
}

/** The marker key of one delivery: the hash of the event's source and id (both sender-chosen). */
export function deliveryMarkerKey(event: Pick<CloudEvent<unknown>, 'source' | 'id'>): string {
  return `state/gateway/deliveries/${createHash('sha256').update(`${event.source}\n${event.id}`).digest('hex')}.json`;
}

/**
 * The gateway's memory of the deliveries it published, in the object store so that it outlives
 * a restart and is shared by every replica. The broker delivers at least once and keeps no
 * dedup ledger, so the receiver of a webhook deduplicates its sender's retries: a delivery id
 * seen already publishes nothing. The marker is written after the publish succeeded: a crash
 * in between lets the sender's retry publish again (at least once; the dispatcher finishes that
 * event's work idempotently) instead of losing the push.
 * @see https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
export class DeliveryMarkers {
  constructor(private readonly store: ObjectStore) {}

  /** Whether `event` (same source and id) was published already. */
  async seen(event: CloudEvent<unknown>): Promise<boolean> {
    return (await this.store.head(deliveryMarkerKey(event))) !== null;
  }

  /** Records `event` as published; a marker another replica wrote first is kept. */
  async mark(event: CloudEvent<unknown>, push: { repoUrl: string; branch: string; commit: string }, now = new Date()): Promise<void> {
    const marker: DeliveryMarker = {
      eventKey: `${event.source} ${event.id}`,
      repo: push.repoUrl,
      branch: push.branch,
      commit: push.commit,
      at: now.toISOString(),
    };
    try {
      await this.store.put(deliveryMarkerKey(event), `${JSON.stringify(marker)}\n`, { ifNoneMatch: '*', contentType: 'application/json' });
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
}

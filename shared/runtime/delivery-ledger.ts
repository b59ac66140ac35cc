import type { CloudEvent } from 'cloudevents';
import type { ObjectStore } from '../store/types';
import { dedupKey } from './keys';
import { LruSet } from './lru-set';

/** What the marker of a Trigger's event says. */
export interface DedupMarker {
  trigger: string;
  source: string;
  id: string;
  type: string;
  status: 'claimed' | 'delivered' | 'dead-lettered';
  claimedAt: string;
  settledAt?: string;
}

/** A Trigger's hold on an event; settle it when the delivery ends. */
export interface Claim {
  key: string;
  etag: string;
  marker: DedupMarker;
}

export interface DeliveryLedgerOptions {
  /** How many recent (trigger, source, id) the process remembers without asking the store. */
  capacity?: number;
  /** After this long, a claim that was never settled (its process died) can be taken over. */
  claimTtlMs?: number;
  now?: () => Date;
}

/**
 * Makes a Trigger take each event (same `source` + `id`) once, across restarts. The check is
 * cheap: a hit in an in-memory LRU set costs nothing; a new event costs one create-only put of
 * its marker (`state/dedup/<trigger>/<hash>.json`), which is also the claim that stops a second
 * process; only a duplicate that the LRU has forgotten costs one extra read.
 * @see https://knative.dev/docs/eventing/event-delivery/ (delivery is at least once)
 */
export class DeliveryLedger {
  private readonly recent: LruSet;
  private readonly claimTtlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: ObjectStore,
    options: DeliveryLedgerOptions = {},
  ) {
    this.recent = new LruSet(options.capacity ?? 10_000);
    this.claimTtlMs = options.claimTtlMs ?? 30 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Claims `event` for `trigger`; `null` when the trigger already has (or had) it. Errors of the
   * store propagate: the caller decides whether to deliver without a marker.
   */
  async claim(trigger: string, event: CloudEvent<unknown>): Promise<Claim | null> {
    const memoryKey = `${trigger}\n${event.source}\n${event.id}`;
    if (this.recent.has(memoryKey)) return null;
    // Remember before the first await, so a concurrent duplicate in this process stops here.
    this.recent.add(memoryKey);

    const key = dedupKey(trigger, event.source, event.id);
    const marker: DedupMarker = {
      trigger,
      source: event.source,
      id: event.id,
      type: event.type,
      status: 'claimed',
      claimedAt: this.now().toISOString(),
    };
    try {
      const { etag } = await this.store.put(key, JSON.stringify(marker), { ifNoneMatch: '*', contentType: 'application/json' });
      return { key, etag, marker };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
    return this.takeOverStale(key, marker);
  }

  /** Records how the delivery ended; a claim someone else took over in the meantime is left alone. */
  async settle(claim: Claim, status: 'delivered' | 'dead-lettered'): Promise<void> {
    const marker: DedupMarker = { ...claim.marker, status, settledAt: this.now().toISOString() };
    try {
      await this.store.put(claim.key, JSON.stringify(marker), { ifMatch: claim.etag, contentType: 'application/json' });
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }

  private async takeOverStale(key: string, marker: DedupMarker): Promise<Claim | null> {
    const stored = await this.store.get(key);
    if (!stored) return null;
    const previous = parseMarker(stored.body);
    const claimedAt = previous ? Date.parse(previous.claimedAt) : Number.NaN;
    const stale = previous?.status === 'claimed' && this.now().getTime() - claimedAt > this.claimTtlMs;
    if (!stale) return null;
    try {
      const { etag } = await this.store.put(key, JSON.stringify(marker), { ifMatch: stored.etag, contentType: 'application/json' });
      return { key, etag, marker };
    } catch (error) {
      if (isPreconditionFailed(error)) return null;
      throw error;
    }
  }
}

function parseMarker(body: Buffer): DedupMarker | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as DedupMarker;
    return typeof value === 'object' && value !== null && typeof value.status === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * True for the store's "condition does not hold" error. Matched by name and HTTP status so that
 * both store implementations (and the S3 SDK's own error) are recognised.
 */
export function isPreconditionFailed(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; statusCode?: number };
  return (
    candidate.name === 'PreconditionFailedError' ||
    candidate.name === 'PreconditionFailed' ||
    candidate.code === 'PreconditionFailed' ||
    candidate.statusCode === 412 ||
    candidate.$metadata?.httpStatusCode === 412
  );
}

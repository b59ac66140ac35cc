import { PreconditionFailedError } from '../store/errors';
import type { ObjectStore } from '../store/types';
import { cascadeKey } from './keys';
import type { CascadeRecord } from './types';

/** Attempts of one compare-and-swap update before giving up (the broker then retries the event). */
const MAX_ATTEMPTS = 50;

/**
 * Cascade records with conditional puts: a record is created only if absent (so a redelivered
 * cause finds the cascade it made), and changed only if nobody changed it since it was read
 * (ETag compare-and-swap, read again and retried on conflict), so two builds of one cascade
 * ending at once both count.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export class CascadeStore {
  constructor(private readonly store: ObjectStore) {}

  /** The record, or `null`. */
  async get(id: string): Promise<CascadeRecord | null> {
    return (await this.read(id))?.record ?? null;
  }

  /** Stores a new record; when one with its id exists already, answers that one instead. */
  async create(record: CascadeRecord): Promise<{ created: boolean; record: CascadeRecord }> {
    try {
      await this.store.put(cascadeKey(record.id), serialise(record), { ifNoneMatch: '*', contentType: 'application/json' });
      return { created: true, record };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const existing = await this.get(record.id);
      if (!existing) throw error;
      return { created: false, record: existing };
    }
  }

  /**
   * Applies `change` to the stored record and writes it if it is still the one read; reads and
   * applies again on conflict. `change` answers the new record and a result, or `null` for no
   * change. `null` when there is no such cascade.
   */
  async update<T>(
    id: string,
    change: (record: CascadeRecord) => { record: CascadeRecord; result: T } | null,
  ): Promise<{ changed: boolean; record: CascadeRecord; result?: T } | null> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(id);
      if (!current) return null;
      const next = change(current.record);
      if (!next) return { changed: false, record: current.record };
      try {
        await this.store.put(cascadeKey(id), serialise(next.record), { ifMatch: current.etag, contentType: 'application/json' });
        return { changed: true, record: next.record, result: next.result };
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));
      }
    }
  }

  private async read(id: string): Promise<{ record: CascadeRecord; etag: string } | null> {
    const stored = await this.store.get(cascadeKey(id));
    return stored ? { record: JSON.parse(stored.body.toString('utf8')) as CascadeRecord, etag: stored.etag } : null;
  }
}

/** Compact: a cascade of thousands of images is megabytes, written again at every build's end. */
function serialise(record: CascadeRecord): string {
  return `${JSON.stringify(record)}\n`;
}

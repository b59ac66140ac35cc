import { buildRecordKey, buildRecordsPrefix } from '../store/keys';
import type { ObjectStore } from '../store/types';
import type { ProjectRef } from '../index/types';
import type { BuildRecord } from './types';

/**
 * Build records in the object store, one JSON object per build. One writer per key: the build
 * function that owns the build (in-process, its queue serialises each image), so a record is
 * read, changed and written back without conditions.
 * @see ../store/readme.md
 */
export class BuildRecords {
  /** The last update of each record in progress: updates of one record run one after the other. */
  private readonly updates = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The record, or `null` when the build is unknown. */
  async get(project: ProjectRef, buildId: string): Promise<BuildRecord | null> {
    const stored = await this.store.get(buildRecordKey(project, buildId));
    return stored ? (JSON.parse(stored.body.toString('utf8')) as BuildRecord) : null;
  }

  /** Writes `record` whole, stamping `updatedAt`. */
  async put(record: BuildRecord): Promise<BuildRecord> {
    const stamped = { ...record, updatedAt: this.now().toISOString() };
    await this.store.put(buildRecordKey(record.project, record.buildId), `${JSON.stringify(stamped, null, 2)}\n`, { contentType: 'application/json' });
    return stamped;
  }

  /** Applies `change` to the stored record (or to `base` when none is stored) and writes it. */
  update(base: BuildRecord, change: Partial<BuildRecord>): Promise<BuildRecord> {
    const key = buildRecordKey(base.project, base.buildId);
    const previous = this.updates.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const current = (await this.get(base.project, base.buildId)) ?? base;
        return this.put({ ...current, ...change, timings: { ...current.timings, ...change.timings } });
      });
    this.updates.set(key, next);
    const forget = (): void => {
      if (this.updates.get(key) === next) this.updates.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  /** Every record of an image, oldest build first (build ids sort by time). */
  async list(project: ProjectRef): Promise<BuildRecord[]> {
    const { objects } = await this.store.list(buildRecordsPrefix(project));
    const records = await Promise.all(objects.map(async ({ key }) => this.store.get(key)));
    return records.filter((stored) => stored !== null).map((stored) => JSON.parse(stored.body.toString('utf8')) as BuildRecord);
  }
}

import type { BuildCompletedData, NoticeItem, NoticeRequestedData } from '../../../shared/events/types';
import { byCriticalPath } from './cascade-order';
import { ENDED_STATUSES, type CascadeItem, type CascadeRecord } from '../../../shared/cascade/types';

/** What one step of a cascade changed: the builds to request now, and whether it just ended. */
export interface CascadeStep {
  record: CascadeRecord;
  /** Items that moved to `requested` in this step. */
  requested: CascadeItem[];
  /** Items skipped in this step because a parent failed. */
  skipped: CascadeItem[];
  /** True when this step ended the cascade's last item. */
  finished: boolean;
}

function ended(item: CascadeItem): boolean {
  return ENDED_STATUSES.includes(item.status);
}

/**
 * Moves the cascade on, on a copy: skips every waiting item with a failed or skipped parent
 * (naming the failed ancestor), then requests waiting items whose parents all succeeded, the
 * longest remaining chain first ({@link byCriticalPath}), while fewer than `maxInFlight` builds
 * are requested and not ended.
 */
export function releaseReady(record: CascadeRecord, now: Date): CascadeStep {
  const items = record.items.map((item) => ({ ...item }));
  const byName = new Map(items.map((item) => [item.name, item]));
  const wasFinished = record.finishedAt !== undefined;
  const requested: CascadeItem[] = [];
  const skipped: CascadeItem[] = [];
  let inFlight = items.filter((item) => item.status === 'requested').length;
  const parentsOf = (item: CascadeItem): CascadeItem[] =>
    item.after.map((name) => byName.get(name)).filter((parent): parent is CascadeItem => parent !== undefined);
  // Items are in plan order (parents in earlier batches), so one pass settles every chain.
  for (const item of items) {
    if (item.status !== 'waiting') continue;
    const broken = parentsOf(item).find((parent) => parent.status === 'failed' || parent.status === 'skipped');
    if (broken) {
      const blockedBy = broken.status === 'skipped' ? (broken.blockedBy ?? broken.name) : broken.name;
      Object.assign(item, { status: 'skipped', blockedBy, reason: `parent ${blockedBy} failed` });
      skipped.push(item);
    }
  }
  // Every item whose parents all succeeded is ready, whatever its batch; free slots go to the
  // longest remaining chain first (cascade-order.ts), not to the shallowest depth.
  const ready = items.filter(
    (item) => item.status === 'waiting' && parentsOf(item).every((parent) => parent.status === 'succeeded' || parent.status === 'origin'),
  );
  for (const item of ready.sort(byCriticalPath(items))) {
    if (inFlight >= record.maxInFlight) break;
    item.status = 'requested';
    requested.push(item);
    inFlight++;
  }
  const done = items.every(ended);
  const at = now.toISOString();
  const next: CascadeRecord = { ...record, items, updatedAt: at, ...(done && !wasFinished ? { finishedAt: at } : {}) };
  return { record: next, requested, skipped, finished: done && !wasFinished };
}

/**
 * Records the end of one build of the cascade (by build id) and releases what it unblocks.
 * `null` when the build is not one of the cascade's, or its end is recorded already (a
 * redelivered `build.completed`).
 */
export function recordCompletion(record: CascadeRecord, completed: BuildCompletedData, now: Date): CascadeStep | null {
  const index = record.items.findIndex((item) => item.buildId === completed.buildId);
  const item = record.items[index];
  if (!item || item.status === 'succeeded' || item.status === 'failed' || item.status === 'skipped') return null;
  const updated: CascadeItem = {
    ...item,
    status: completed.status,
    ...(completed.reason ? { reason: completed.reason } : {}),
    ...(completed.image ? { image: completed.image } : {}),
    ...(completed.commit ? { commit: completed.commit } : {}),
    reports: { log: completed.reports.log, ...(completed.reports.lint ? { lint: completed.reports.lint } : {}) },
  };
  const items = [...record.items];
  items[index] = updated;
  return releaseReady({ ...record, items }, now);
}

/** The combined notice of an ended cascade: every item but the origin, parents first. */
export function noticeOf(record: CascadeRecord): NoticeRequestedData {
  const items: NoticeItem[] = record.items
    .filter((item) => item.status !== 'origin')
    .map((item) => ({
      project: item.project,
      entry: item.entry,
      outcome: item.status === 'succeeded' ? 'succeeded' : item.status === 'skipped' ? 'skipped' : 'failed',
      ...(item.status === 'skipped' ? {} : { buildId: item.buildId }),
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.blockedBy ? { blockedBy: item.blockedBy } : {}),
      ...(item.image ? { image: item.image } : {}),
      ...(item.reports ? { reports: item.reports } : {}),
    }));
  return { cascade: record.id, cause: record.cause, ...(record.origin ? { origin: record.origin } : {}), items };
}

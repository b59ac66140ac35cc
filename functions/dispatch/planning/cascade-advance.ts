import type { BuildCompletedData, NoticeItem, NoticeRequestedData } from '../../../shared/events/types';
import { byCriticalPath } from './cascade-order';
import { ENDED_STATUSES, type CascadeItem, type CascadeRecord, type CascadeSignatureCheck } from '../../../shared/cascade/types';

/** What one step of a cascade changed: the builds to request now, and whether it just ended. */
export interface CascadeStep {
  record: CascadeRecord;
  /** Items that moved to `requested` in this step. */
  requested: CascadeItem[];
  /** Items skipped in this step because a parent failed. */
  skipped: CascadeItem[];
  /** Items ended `failed` in this step, unbuilt, because a parent's signature does not verify (`enforce`). */
  refused: CascadeItem[];
  /** True when this step ended the cascade's last item. */
  finished: boolean;
}

function ended(item: CascadeItem): boolean {
  return ENDED_STATUSES.includes(item.status);
}

/**
 * Moves the cascade on, on a copy: skips every waiting item with a failed or skipped parent
 * (naming the failed ancestor), ends `failed` every waiting item with a parent whose signature
 * check refused it (naming the parent, digest and why: parent-signatures.ts), then requests
 * waiting items whose parents all succeeded, the longest remaining chain first
 * ({@link byCriticalPath}), while fewer than `maxInFlight` builds are requested and not ended;
 * an item built despite a parent's `warn` carries the warning.
 */
export function releaseReady(record: CascadeRecord, now: Date): CascadeStep {
  const items = record.items.map((item) => ({ ...item }));
  const byName = new Map(items.map((item) => [item.name, item]));
  const wasFinished = record.finishedAt !== undefined;
  const requested: CascadeItem[] = [];
  const skipped: CascadeItem[] = [];
  const refused: CascadeItem[] = [];
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
      continue;
    }
    const refusing = parentsOf(item).find((parent) => parent.signature?.decision === 'refuse');
    if (refusing) {
      Object.assign(item, {
        status: 'failed',
        refusedBy: refusing.name,
        reason: `refused: ${refusing.signature!.message ?? `parent ${refusing.name} signature does not verify`}`,
      });
      refused.push(item);
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
    const warnings = parentsOf(item).flatMap((parent) => (parent.signature?.decision === 'warn' && parent.signature.message ? [parent.signature.message] : []));
    if (warnings.length > 0) item.warning = `built although ${warnings.join('; ')}`;
    requested.push(item);
    inFlight++;
  }
  const done = items.every(ended);
  const at = now.toISOString();
  const next: CascadeRecord = { ...record, items, updatedAt: at, ...(done && !wasFinished ? { finishedAt: at } : {}) };
  return { record: next, requested, skipped, refused, finished: done && !wasFinished };
}

/**
 * Records the end of one build of the cascade (by build id) and releases what it unblocks;
 * `signature`, the check of a succeeded build's pushed digest, decides whether its children may
 * build on it. `null` when the build is not one of the cascade's, or its end is recorded already
 * (a redelivered `build.completed`).
 */
export function recordCompletion(record: CascadeRecord, completed: BuildCompletedData, now: Date, signature?: CascadeSignatureCheck): CascadeStep | null {
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
    ...(signature && completed.status === 'succeeded' ? { signature } : {}),
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
      // A refused item never built: no build id, no build log to link.
      ...(item.status === 'skipped' || item.refusedBy ? {} : { buildId: item.buildId }),
      ...(item.reason ? { reason: item.reason } : item.warning ? { reason: item.warning } : {}),
      ...(item.blockedBy ? { blockedBy: item.blockedBy } : {}),
      ...(item.image ? { image: item.image } : {}),
      ...(item.reports ? { reports: item.reports } : {}),
    }));
  return { cascade: record.id, cause: record.cause, ...(record.origin ? { origin: record.origin } : {}), items };
}

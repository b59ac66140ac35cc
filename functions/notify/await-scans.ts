import { setTimeout as sleep } from 'node:timers/promises';
import type { NoticeItem } from '../../shared/events/contracts/notice-requested';
import { imageName } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import { markScansMissing, startNoticeWait } from './mail/notice-waits';
import { reportKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';

/** How often the store is asked whether the scans are there. */
export const SCAN_POLL_MS = 1000;

export interface AwaitScansInput {
  store: ObjectStore;
  log: Logger;
  cascade: string;
  /** The notice event (`source id`). */
  event: string;
  items: readonly NoticeItem[];
  waitSeconds: number;
  signal?: AbortSignal;
}

/**
 * Waits until every built image of the cascade has its `scan.json` beside its build's reports
 * (the scan function stores it before it emits `scan.completed`), or until the wait that the
 * first delivery of this notice started runs out (`mail.noticeScanWaitSeconds`). Returns the
 * build ids whose scans are still missing, after noting them in the wait record so that those
 * scans are mailed on their own. Aborts with the delivery (`signal`); the redelivery goes on
 * waiting until the same deadline.
 * @see ./mail/notice-waits.ts
 */
export async function awaitScans(input: AwaitScansInput): Promise<Set<string>> {
  const due = input.items.filter((item) => item.outcome === 'succeeded' && item.buildId);
  let missing = await missingScans(input.store, due);
  if (missing.length > 0 && input.waitSeconds > 0) {
    const wait = await startNoticeWait(input.store, input.cascade, input.event, input.waitSeconds, new Date());
    const deadline = Date.parse(wait.deadline);
    input.log.info('cascade notice waits for the scans of its images', { waiting: missing.map((item) => imageName(item.project)), deadline: wait.deadline });
    while (missing.length > 0 && Date.now() < deadline) {
      await sleep(Math.min(SCAN_POLL_MS, deadline - Date.now()), undefined, input.signal ? { signal: input.signal } : {});
      missing = await missingScans(input.store, missing);
    }
  }
  if (missing.length === 0) return new Set();
  await markScansMissing(
    input.store,
    input.cascade,
    input.event,
    missing.map((item) => item.buildId!),
    new Date(),
  );
  // A scan that ended while the mark was written is in the notice (and may mail itself too): never neither.
  missing = await missingScans(input.store, missing);
  if (missing.length > 0)
    input.log.warn('cascade notice goes out without some scans', { missing: missing.map((item) => imageName(item.project)), waitedSeconds: input.waitSeconds });
  return new Set(missing.map((item) => item.buildId!));
}

async function missingScans(store: ObjectStore, items: readonly NoticeItem[]): Promise<NoticeItem[]> {
  const present = await Promise.all(items.map(async (item) => (await store.head(reportKey(item.project, item.buildId!, 'scan.json'))) !== null));
  return items.filter((_item, index) => !present[index]);
}

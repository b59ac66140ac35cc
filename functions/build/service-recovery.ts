import type { CloudEvent } from 'cloudevents';
import { BuildRecords } from '../../shared/builds/records';
import { FINAL_STATUSES, type BuildRecord } from '../../shared/builds/types';
import { EventTypes } from '../../shared/events/types';
import type { Logger } from '../../shared/log/logger';
import type { PendingDelivery } from '../../shared/runtime/journal';
import { parseBuildRecordKey } from '../../shared/store/keys';
import type { ObjectStore } from '../../shared/store/types';
import { completedEvent } from './service';

export interface RecoveryOptions {
  store: ObjectStore;
  log: Logger;
  /** Build an interrupted build again (`CCP_RETRY_INTERRUPTED`, on by default), else end it failed. */
  retry: boolean;
  /** What the broker's journal holds: a journalled `lint.completed` is delivered again at start. */
  journalled: readonly PendingDelivery[];
  now?: () => Date;
}

/** What became of the builds a stopped process left `queued` or `running`. */
export interface Recovery {
  /** Builds whose `lint.completed` the journal delivers again: built again, same build id. */
  retried: string[];
  /** Builds ended as failed with reason "interrupted". */
  failed: string[];
  /** Their `build.completed`, for the broker, when no journalled delivery will answer it. */
  events: CloudEvent<unknown>[];
}

/**
 * Settles the build records a process that stopped (killed, crashed, power cut) left unfinished,
 * before the journal is replayed: a build whose `lint.completed` is still journalled runs again
 * with the same build id (its reports are overwritten) unless retrying is off; any other, and
 * every one when retrying is off, ends `failed` with reason "interrupted" and a `build.completed`
 * so that its cascade moves on. Builds submitted as cluster Jobs are left to their Jobs.
 * @see ../../shared/runtime/readme.md
 */
export async function recoverInterruptedBuilds(options: RecoveryOptions): Promise<Recovery> {
  const now = options.now ?? (() => new Date());
  const records = new BuildRecords(options.store, now);
  const journalled = new Set(
    options.journalled
      .filter(({ event }) => event.type === EventTypes.lintCompleted)
      .map(({ event }) => (event.data as { buildId?: unknown } | undefined)?.buildId),
  );
  const recovery: Recovery = { retried: [], failed: [], events: [] };
  const { objects } = await options.store.list('state/builds/');
  for (const { key } of objects) {
    const named = parseBuildRecordKey(key);
    if (!named) continue;
    const record = await records.get(named.ref, named.buildId).catch(() => null);
    if (!record || FINAL_STATUSES.includes(record.status) || record.job) continue;
    if (options.retry && journalled.has(record.buildId)) {
      options.log.info('interrupted build is built again', { buildId: record.buildId, project: record.name, status: record.status });
      recovery.retried.push(record.buildId);
      continue;
    }
    const failed = await endInterrupted(
      options.store,
      records,
      record,
      options.retry ? 'no journalled delivery is left to build it again' : 'retrying interrupted builds is off (CCP_RETRY_INTERRUPTED)',
      now(),
    );
    options.log.warn('interrupted build ended as failed', { buildId: record.buildId, project: record.name, reason: failed.reason });
    recovery.failed.push(record.buildId);
    if (!journalled.has(record.buildId)) recovery.events.push(completedEvent(failed));
  }
  return recovery;
}

async function endInterrupted(store: ObjectStore, records: BuildRecords, record: BuildRecord, why: string, at: Date): Promise<BuildRecord> {
  const reason = `interrupted: the process running this build stopped before it ended; ${why}`;
  const log = await store.get(record.links.log).catch(() => null);
  const before = log ? log.body.toString('utf8') : `ccp build ${record.buildId} of ${record.name}\n`;
  await store.put(record.links.log, `${before}${before.endsWith('\n') ? '' : '\n'}\nccp: build failed: ${reason}\n`, {
    contentType: 'text/plain; charset=utf-8',
  });
  const startedAt = record.timings.startedAt ?? at.toISOString();
  return records.update(record, {
    status: 'failed',
    reason,
    timings: { ...record.timings, startedAt, finishedAt: at.toISOString(), durationMs: at.getTime() - Date.parse(startedAt) },
  });
}

import path from 'node:path';
import type { BuildService } from '../functions/build';
import { recoverInterruptedBuilds } from '../functions/build/service-recovery';
import type { Config } from '../shared/config/config';
import type { Logger } from '../shared/log/logger';
import type { InProcessBroker } from '../shared/runtime/in-process-broker';
import { lockDataDir } from '../shared/runtime/data-dir-lock';
import { EventJournal } from '../shared/runtime/journal';
import { cleanLeftovers, type LeftoverPlaces } from '../shared/runtime/leftovers';
import type { ObjectStore } from '../shared/store/types';

/** The data dir, held by this runtime: what to do once its broker exists, and at its end. */
export interface StartRecovery {
  /** False when another runtime of this process holds the data dir: that one owns the leftovers. */
  owner: boolean;
  places: LeftoverPlaces;
  /** Settles interrupted builds and replays the journal (owner only). */
  resume(broker: InProcessBroker, store: ObjectStore): Promise<void>;
  /** Releases the data dir lock. */
  release(): Promise<void>;
}

/** Where leftovers are, by the configuration. */
export function leftoverPlaces(config: Config): LeftoverPlaces {
  return {
    workDir: config.workDir,
    storeRoot: config.store.kind === 'fs' ? path.join(config.dataDir, 'store') : null,
    buildah: config.builder === 'local' ? { root: config.buildah.root, runroot: config.buildah.runroot } : null,
  };
}

/**
 * The start of a durable embedded runtime: takes the data dir lock (a live process on it makes
 * this throw), then removes what killed processes left (build folders, store temporary and lock
 * files, buildah mounts). `resume` then ends or re-runs interrupted builds and replays the
 * broker's journal, so that every accepted event is delivered and every cascade moves on.
 * @see ../shared/runtime/readme.md
 */
export async function recoverAtStart(config: Config, log: Logger): Promise<StartRecovery> {
  const lock = await lockDataDir(config.dataDir);
  const places = leftoverPlaces(config);
  if (lock.fresh) {
    try {
      // Only the lock's holder writes this data dir's store, and the last one is dead (its
      // orphans just killed): every temporary file is a put it never finished, however young.
      const cleaned = await cleanLeftovers(places, { orphans: true, tempMinAgeMs: 0 });
      if (cleaned.orphans.length + cleaned.workFolders.length + cleaned.tempFiles + cleaned.lockFiles + cleaned.mounts.length > 0)
        log.info('leftovers of stopped processes removed', { ...cleaned });
    } catch (error) {
      await lock.release();
      throw error;
    }
  }
  return {
    owner: lock.fresh,
    places,
    async resume(broker, store) {
      if (!lock.fresh) return;
      const { deliveries } = await new EventJournal(store).pending();
      const recovered = await recoverInterruptedBuilds({
        store,
        log: log.child({ fn: 'build' }),
        retry: config.runtime.retryInterrupted,
        journalled: deliveries,
      });
      for (const event of recovered.events) await broker.publish(event);
      const replayed = await broker.replay();
      if (replayed + recovered.failed.length + recovered.retried.length > 0) {
        log.info('runtime resumed after a stop', { replayed, rebuilt: recovered.retried, endedInterrupted: recovered.failed });
      }
    },
    release: () => lock.release(),
  };
}

/**
 * The end of the runtime: waits (bounded) for aborted builds to unwind, then leaves no build
 * folder and no buildah mount behind.
 */
export async function stopCleanly(builds: BuildService, recovery: StartRecovery, log: Logger): Promise<void> {
  if (!recovery.owner) return;
  await Promise.race([builds.idle(), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  try {
    await cleanLeftovers(recovery.places);
  } catch (error) {
    log.warn('leftovers not removed at stop', { error });
  }
}

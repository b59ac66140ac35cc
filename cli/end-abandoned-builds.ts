import { abandonedBuild, storeAbandonedLog } from '../shared/builds/abandoned';
import type { Logger } from '../shared/log/logger';
import type { InProcessBroker } from '../shared/runtime';
import type { ObjectStore } from '../shared/store/types';

/**
 * Does in the embedded runtime what the cluster's dead-letter sink does: a build whose
 * `build.requested` (lint) or `lint.completed` (build) is dead-lettered ends as a failed
 * `build.completed`, so that its cascade skips what is built on it and ends with one notice.
 * The event is published while the dead letter is still in flight, so `broker.idle()` waits for
 * what follows from it. Returns the function that stops it.
 * @see ../shared/builds/abandoned.ts
 */
export function endAbandonedBuilds(broker: InProcessBroker, store: ObjectStore, log: Logger): () => void {
  return broker.on('dead-letter', ({ event, record }) => {
    const abandoned = abandonedBuild(event, record.error.message, new Date());
    if (!abandoned) return;
    broker.publish(abandoned.event).catch((error: unknown) => log.error('could not end an abandoned build', { eventId: abandoned.event.id, error }));
    storeAbandonedLog(store, abandoned).catch((error: unknown) => log.error('could not store the log of an abandoned build', { key: abandoned.log.key, error }));
  });
}

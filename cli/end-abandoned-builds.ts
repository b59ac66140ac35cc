import type { CloudEvent } from 'cloudevents';
import { indexEntryOf } from '../shared/index/trusted-entry';
import type { FunctionContext } from '../shared/function/types';
import { abandonedStep, buildEnd, storeAbandonedLog, type AbandonedBuild, type AbandonedStep } from '../shared/builds/abandoned';
import type { ProjectEntry } from '../shared/index/types';
import type { Logger } from '../shared/log/logger';
import type { InProcessBroker } from '../shared/runtime/in-process-broker';

/** The index's entry for a build step in flight: `undefined` while it is being looked up. */
interface Lookup {
  named: AbandonedStep;
  entry?: ProjectEntry | null;
  done: Promise<ProjectEntry | null>;
}

/**
 * Does in the embedded runtime what the cluster's dead-letter sink does: a build whose
 * `build.requested` (lint) or `lint.completed` (build) is dead-lettered ends as a failed
 * `build.completed` naming the index's entry of the project (never the dead event's, which may
 * be forged; none for a project the index does not list), so that its cascade skips what is
 * built on it and ends with one notice. The index's entry is looked up as the step is published,
 * so that the end is published while the dead letter is still in flight and `broker.idle()`
 * waits for what follows from it. Returns the function that stops it.
 * @see ../shared/builds/abandoned.ts
 */
export function endAbandonedBuilds(broker: InProcessBroker, context: FunctionContext, log: Logger): () => void {
  const indexEntry = indexEntryOf({ ...context, log });
  const inFlight = new Map<string, Lookup>();
  const keyOf = (event: CloudEvent<unknown>): string => `${event.source} ${event.id}`;
  const lookUp = (named: AbandonedStep): Lookup => {
    const lookup: Lookup = {
      named,
      done: indexEntry(named.data.entry, named.data.project).catch((error: unknown) => {
        log.error("could not look the project's entry up in the index", { buildId: named.data.buildId, error });
        return null;
      }),
    };
    void lookup.done.then((entry) => void (lookup.entry = entry));
    return lookup;
  };
  const end = (event: CloudEvent<unknown>, abandoned: AbandonedBuild | null): void => {
    if (!abandoned) {
      log.warn('a build step was given up on, but its project is not in the index: no build.completed', { eventId: event.id });
      return;
    }
    broker.publish(abandoned.event).catch((error: unknown) => log.error('could not end an abandoned build', { eventId: abandoned.event.id, error }));
    storeAbandonedLog(context.store, abandoned).catch((error: unknown) =>
      log.error('could not store the log of an abandoned build', { key: abandoned.log.key, error }),
    );
  };
  const stops = [
    broker.on('event', ({ event }) => {
      const named = abandonedStep(event);
      if (named) inFlight.set(keyOf(event), lookUp(named));
    }),
    broker.on('delivered', ({ event }) => void inFlight.delete(keyOf(event))),
    broker.on('dead-letter', ({ event, record }) => {
      // A delivery replayed from the journal was published by an earlier process: looked up now.
      const named = inFlight.has(keyOf(event)) ? null : abandonedStep(event);
      const lookup = inFlight.get(keyOf(event)) ?? (named ? lookUp(named) : null);
      inFlight.delete(keyOf(event));
      if (!lookup) return;
      const finish = (entry: ProjectEntry | null): void => end(event, entry ? buildEnd(event, lookup.named, record.error.message, new Date(), entry) : null);
      // Known already (the usual case): published at once, inside the dead letter's delivery.
      if (lookup.entry !== undefined) finish(lookup.entry);
      else void lookup.done.then(finish);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    inFlight.clear();
  };
}

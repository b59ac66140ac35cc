import type { CloudEvent } from 'cloudevents';
import { makeEvent, functionSource } from '../events/make';
import { EventTypes, type BuildCompletedData, type BuildRequestedData, type LintCompletedData } from '../events/types';
import { validateEvent } from '../events/validate';
import { reportKey } from '../store/keys';
import type { ObjectStore } from '../store/types';
import type { ProjectEntry, ProjectRef } from '../index/types';

/**
 * The index's entry of the project a dead-lettered event names (its own `entry` is only a claim:
 * anything that can post to the Broker writes it), or `null` when the index has none.
 */
export type IndexEntryOf = (claimed: ProjectEntry | undefined, project: ProjectRef) => Promise<ProjectEntry | null>;

/** What ends a build whose step was dead-lettered: the event, and the short log it links. */
export interface AbandonedBuild {
  event: CloudEvent<unknown>;
  log: { key: string; text: string };
}

/** The step that gave up on each event type of a build, for the reason. */
const STEP_OF: Record<string, string> = {
  [EventTypes.buildRequested]: 'lint',
  [EventTypes.lintCompleted]: 'build',
};

/** A step of a build that a dead letter can end: what names the build, with the event's entry (a claim only). */
export interface AbandonedStep {
  step: string;
  data: Partial<BuildRequestedData & LintCompletedData> & Pick<BuildRequestedData, 'buildId' | 'project' | 'cause'> & { buildId: string };
}

/**
 * The build step `dead` is, or `null` for any other event, a malformed one, and a request that
 * names no build id (nothing then waits for it).
 */
export function abandonedStep(dead: CloudEvent<unknown>): AbandonedStep | null {
  const step = STEP_OF[dead.type];
  if (!step || !isValid(dead)) return null;
  const data = dead.data as Partial<BuildRequestedData & LintCompletedData>;
  if (typeof data.buildId !== 'string' || !data.project || !data.cause) return null;
  return { step, data: data as AbandonedStep['data'] };
}

/**
 * The `build.completed` (failed) that ends a build whose `build.requested` (the lint step) or
 * `lint.completed` (the build step) was dead-lettered, so that its cascade moves on (skipping
 * what is built on it, with one notice) instead of waiting for it for ever. Its id is the build
 * function's own (`<build-id>/build`): a late completion of the same build is then a duplicate,
 * and the dispatcher counts a build's end once anyway. It carries the index's entry
 * (`indexEntry`), never the dead event's: a forged event refused by lint or build would
 * otherwise have notify mail the `notify-email` it names. `null` when {@link abandonedStep} is,
 * and for a project the index does not list.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export async function abandonedBuild(dead: CloudEvent<unknown>, error: string, now: Date, indexEntry: IndexEntryOf): Promise<AbandonedBuild | null> {
  const named = abandonedStep(dead);
  if (!named) return null;
  const entry = await indexEntry(named.data.entry, named.data.project);
  return entry ? buildEnd(dead, named, error, now, entry) : null;
}

/**
 * {@link abandonedBuild} with the index's `entry` of the project already looked up.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function buildEnd(dead: CloudEvent<unknown>, named: AbandonedStep, error: string, now: Date, entry: ProjectEntry): AbandonedBuild {
  const { step, data } = named;
  const reason = `the ${step} function gave up on this build after its retries: ${error}`;
  const at = now.toISOString();
  const key = reportKey(data.project, data.buildId, 'build.log');
  const completed: BuildCompletedData = {
    buildId: data.buildId,
    project: data.project,
    entry,
    ...(data.commit ? { commit: data.commit } : {}),
    status: 'failed',
    reason,
    reports: { log: key },
    timings: { startedAt: at, finishedAt: at, durationMs: 0 },
    cause: data.cause,
    causeChain: data.causeChain ?? [data.cause],
    // What the lint learnt of the FROM lines still reaches the dispatcher's graph.
    ...(data.baseImages ? { baseImages: data.baseImages } : {}),
  };
  return {
    event: makeEvent(EventTypes.buildCompleted, completed, { source: functionSource('dead-letter'), id: `${data.buildId}/build`, time: at }),
    log: { key, text: `ccp build ${data.buildId}\nnot built: ${reason}\nThe undelivered ${dead.type} ${dead.id} is kept with the dead letters.\n` },
  };
}

/** Whether `event` keeps the contract: a malformed one (perhaps why it was dead-lettered) names no build to end. */
function isValid(event: CloudEvent<unknown>): boolean {
  try {
    validateEvent(event);
    return true;
  } catch {
    return false;
  }
}

/** Stores the abandoned build's short log, unless the build got far enough to write one of its own. */
export async function storeAbandonedLog(store: ObjectStore, abandoned: AbandonedBuild): Promise<void> {
  if (await store.head(abandoned.log.key)) return;
  await store.put(abandoned.log.key, abandoned.log.text, { contentType: 'text/plain; charset=utf-8' });
}

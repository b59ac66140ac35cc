import type { CloudEvent } from 'cloudevents';
import { planCascade } from './planning/cascade-plan';
import { recordCompletion } from './planning/cascade-advance';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import type { Logger } from '../../shared/log/logger';
import { imageName } from '../../shared/index/types';
import type { FunctionContext } from '../../shared/function/types';
import { cascadesOf, currentIndex, dispatchSettings, learnBaseImages, type DispatchContext } from './dispatcher-state';
import { noticeEvent, replay, requestEvent, startCascade } from './emit';

/**
 * A build ended. Of a cascade: record it, request what it unblocked (or skip the subtree of a
 * failure) and, after the last one, the combined notice. Outside any cascade (a manual build,
 * a first build requested directly) and succeeded: everything built on the image rebuilds,
 * as a new cascade. The queued builds it superseded (`replaces`) end with it, each in its own
 * cascade, so that no cascade waits for a build that will never run.
 */
export async function onBuildCompleted(data: BuildCompletedData, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const name = imageName(data.project);
  const cascade = data.cause.cascade;
  const log = context.log.child({ buildId: data.buildId, project: name, ...(cascade ? { cascade } : {}) });
  // Its FROM lines (baseImages) become its parents in the graph from now on.
  await learnBaseImages(data, context, log);
  // Builds this one replaced while they were queued end with it, in their own cascades.
  const replaced: CloudEvent<unknown>[] = [];
  const reason =
    data.status === 'succeeded'
      ? `built by build ${data.buildId}, which superseded it`
      : `superseded by build ${data.buildId}, which failed${data.reason ? `: ${data.reason}` : ''}`;
  for (const { buildId, cascade: theirs } of data.replaces ?? []) {
    replaced.push(...(await advanceCascade(theirs, { ...data, buildId, reason }, context, log.child({ cascade: theirs, replacedBuild: buildId }))));
  }
  if (cascade) return [...replaced, ...(await advanceCascade(cascade, data, context, log))];
  // The cascades of the replaced builds have planned what is built on the image already.
  if (data.status !== 'succeeded' || (data.replaces ?? []).length > 0) return replaced;
  const view = context.indexViews.overlay(await currentIndex(context), [data.entry]);
  if (view.graph.children(name).length === 0) return replaced;
  const planned = planCascade({
    id: `after-${data.buildId}`,
    cause: { kind: 'parent-rebuilt', message: `${name} rebuilt because ${data.cause.message}`, parent: name },
    seeds: [],
    origin: { name, entry: data.entry, buildId: data.buildId, cause: data.cause, causeChain: data.causeChain.slice(0, -1) },
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return [...replaced, ...(planned ? await startCascade(planned, context) : [])];
}

/**
 * Records the end of one build of `cascade`, requests what it unblocked (or skips the subtree
 * of a failure) and, after the last one, the combined notice.
 */
async function advanceCascade(cascade: string, data: BuildCompletedData, context: FunctionContext, log: Logger): Promise<CloudEvent<unknown>[]> {
  const now = new Date();
  const updated = await cascadesOf(context).update(cascade, (record) => {
    const step = recordCompletion(record, data, now);
    return step ? { record: step.record, result: step } : null;
  });
  if (!updated) {
    log.warn('build names a cascade that does not exist; nothing follows from it');
    return [];
  }
  if (!updated.changed || !updated.result) {
    log.info('build end known already; replaying what the cascade promised');
    return replay(updated.record);
  }
  const step = updated.result;
  for (const item of step.skipped) log.info('skipped: a parent failed', { project: item.name, blockedBy: item.blockedBy });
  for (const item of step.requested) log.info('build requested', { project: item.name, buildId: item.buildId });
  if (step.finished) log.info('cascade ended; one combined notice', { items: step.record.items.length });
  return [...step.requested.map(requestEvent), ...(step.finished ? [noticeEvent(step.record)] : [])];
}

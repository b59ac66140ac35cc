import type { CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { noticeOf, releaseReady } from './planning/cascade-advance';
import { type CascadeItem, type CascadeRecord } from '../../shared/cascade/types';
import type { FunctionContext } from '../../shared/function/types';
import { cascadesOf } from './dispatcher-state';

export const FUNCTION_NAME = 'dispatch';
export const DISPATCH_SOURCE = functionSource(FUNCTION_NAME);

/** The `build.requested` of one cascade item; its id `<build-id>/request` makes a re-emission a duplicate. */
export function requestEvent(item: CascadeItem): CloudEvent<unknown> {
  return makeEvent(
    EventTypes.buildRequested,
    {
      project: item.project,
      entry: item.entry,
      ...(item.commit ? { commit: item.commit } : {}),
      buildId: item.buildId,
      cause: item.cause,
      causeChain: item.causeChain,
    },
    { source: DISPATCH_SOURCE, id: `${item.buildId}/request` },
  );
}

/** The combined notice of an ended cascade, id `notice/<cascade>`. */
export function noticeEvent(record: CascadeRecord): CloudEvent<unknown> {
  return makeEvent(EventTypes.noticeRequested, noticeOf(record), { source: DISPATCH_SOURCE, id: `notice/${record.id}`, subject: record.id });
}

/**
 * What a cascade record promises when an event about it comes again (a redelivery): the
 * requests of its builds in flight and, once ended, its notice. Receivers drop them as
 * duplicates when they had them already; none is lost when the first delivery died half-way.
 */
export function replay(record: CascadeRecord): CloudEvent<unknown>[] {
  return [...record.items.filter((item) => item.status === 'requested').map(requestEvent), ...(record.finishedAt ? [noticeEvent(record)] : [])];
}

/** Stores a planned cascade with its first builds released and answers their requests; a cascade already stored is replayed. */
export async function startCascade(planned: CascadeRecord, context: FunctionContext): Promise<CloudEvent<unknown>[]> {
  const step = releaseReady(planned, new Date());
  const { created, record } = await cascadesOf(context).create(step.record);
  const log = context.log.child({ cascade: record.id });
  if (!created) {
    log.info('cascade exists already; replaying what it promised', { items: record.items.length });
    return replay(record);
  }
  for (const item of record.items) {
    log.info('cascade item planned', {
      project: item.name,
      buildId: item.buildId,
      status: item.status,
      batch: item.batch,
      after: item.after,
      cause: item.cause.message,
    });
  }
  for (const item of step.refused)
    log.warn('refused: a parent signature does not verify', { project: item.name, refusedBy: item.refusedBy, reason: item.reason });
  for (const item of step.requested)
    if (item.warning) log.warn('built although a parent signature does not verify', { project: item.name, warning: item.warning });
  return [...step.requested.map(requestEvent), ...(step.finished ? [noticeEvent(record)] : [])];
}

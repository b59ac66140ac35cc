import type { CloudEvent } from 'cloudevents';
import { planCascade, removedEntryKey, shortHash, type CascadeSeed } from '../../shared/dispatch';
import type { BuildCause, IndexChangedData } from '../../shared/events';
import { imageName } from '../../shared/index/types';
import type { FunctionContext } from '../types';
import { currentIndex, dispatchSettings, overlayIndex } from './dispatcher-state';
import { startCascade } from './emit';

/**
 * `index.changed` as `ccp run` and `ccp build` send it: besides the change, the cause of each
 * build by project name, the cascade's own cause, and whether descendants rebuild too.
 * Receivers that know only {@link IndexChangedData} read it as an ordinary change.
 */
export interface IndexRequestData extends IndexChangedData {
  causes?: Record<string, BuildCause>;
  cause?: BuildCause;
  /** False: build only the entries named, not what is built on them. */
  descendants?: boolean;
}

export const FIRST_BUILD: BuildCause = { kind: 'first-build', message: 'First build of the container image' };
export const CONFIGURATION_UPDATE: BuildCause = { kind: 'index-change', message: 'Update to build configurations' };

/**
 * First builds for added entries, rebuilds for changed ones (and everything built on them),
 * all one cascade in depth order and paced; removed entries get a record (their images stay).
 */
export async function onIndexChanged(data: IndexRequestData, event: CloudEvent<unknown>, context: FunctionContext): Promise<CloudEvent<unknown>[]> {
  const log = context.log.child({ eventId: event.id });
  const removed = new Set(data.removed.map(imageName));
  for (const ref of data.removed) {
    await context.store.put(removedEntryKey(ref), `${JSON.stringify({ project: ref, removedAt: event.time ?? new Date().toISOString(), commit: data.commit ?? null, eventId: event.id })}\n`, { contentType: 'application/json' });
    log.info('entry left the index; its images and reports stay', { project: imageName(ref) });
  }
  const view = overlayIndex(await currentIndex(context), [...data.added, ...data.changed], removed);
  const seeds: CascadeSeed[] = [
    ...data.added.map((entry) => ({ entry, cause: data.causes?.[imageName(entry)] ?? FIRST_BUILD })),
    ...data.changed.map((entry) => ({ entry, cause: data.causes?.[imageName(entry)] ?? CONFIGURATION_UPDATE })),
  ];
  if (seeds.length === 0) return [];
  const planned = planCascade({
    id: `index-${shortHash(event.source, event.id)}`,
    cause: data.cause ?? (data.changed.length > 0 ? CONFIGURATION_UPDATE : FIRST_BUILD),
    seeds,
    descendants: data.descendants,
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return planned ? startCascade(planned, context) : [];
}

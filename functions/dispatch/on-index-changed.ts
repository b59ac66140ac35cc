import type { CloudEvent } from 'cloudevents';
import { againstBuilds } from './planning/index-diff';
import { IndexSnapshotStore, lastBuiltEntryIn } from './planning/index-baseline';
import { planCascade, type CascadeSeed } from './planning/cascade-plan';
import { removedEntryKey, shortHash } from '../../shared/cascade/keys';
import type { BuildCause } from '../../shared/events/contracts/parts';
import type { IndexChangedData } from '../../shared/events/contracts/index-changed';
import { imageName } from '../../shared/index/types';
import { cascadesOf, currentIndex, dispatchSettings, type DispatchContext } from './dispatcher-state';
import { replay, startCascade } from './emit';

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
 * Every entry a sender asks to build with its own cause goes into the index snapshot, the
 * baseline of the next index push, so a push after `ccp run` rebuilds only what it changes. An entry called added
 * without a cause of its own (an index push diffed with an older or missing snapshot) that a
 * build record shows built with the same configuration builds nothing; built with another one,
 * it rebuilds as changed. A redelivered event replays the cascade it made.
 * @see ../../README.md#rebuild-triggers
 */
export async function onIndexChanged(data: IndexRequestData, event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const log = context.log.child({ eventId: event.id });
  const removed = new Set(data.removed.map(imageName));
  for (const ref of data.removed) {
    await context.store.put(
      removedEntryKey(ref),
      `${JSON.stringify({ project: ref, removedAt: event.time ?? new Date().toISOString(), commit: data.commit ?? null, eventId: event.id })}\n`,
      { contentType: 'application/json' },
    );
    log.info('entry left the index; its images and reports stay', { project: imageName(ref) });
  }
  // The entries a sender asks to build with causes of its own (`ccp run`, `ccp build`) go into
  // the snapshot; a push's diff wrote its whole index there already, and putting its entries
  // back could undo a newer push's. Before the cascade exists, so a redelivery records again.
  const asked = [...data.added, ...data.changed].filter((entry) => data.causes?.[imageName(entry)] !== undefined);
  if (asked.length > 0 && (await new IndexSnapshotStore(context.store).record(asked)))
    log.info('index snapshot updated with the entries asked for', { entries: asked.length });

  const id = `index-${shortHash(event.source, event.id)}`;
  // A redelivery finds the builds of the first delivery recorded, so it must not measure again.
  const known = await cascadesOf(context).get(id);
  if (known) {
    log.info('cascade exists already; replaying what it promised', { cascade: id });
    return replay(known);
  }
  const measured = await againstBuilds(data, lastBuiltEntryIn(context.store), (name) => data.causes?.[name] !== undefined);
  if (measured.unchanged.length + measured.rebuilt.length > 0) {
    log.info('entries new to the snapshot were built before', { unchanged: measured.unchanged.length, rebuilt: measured.rebuilt });
  }
  const { added, changed } = measured.change;
  const view = context.indexViews.overlay(await currentIndex(context), [...data.added, ...data.changed], removed);
  const seeds: CascadeSeed[] = [
    ...added.map((entry) => ({ entry, cause: data.causes?.[imageName(entry)] ?? FIRST_BUILD })),
    ...changed.map((entry) => ({ entry, cause: data.causes?.[imageName(entry)] ?? CONFIGURATION_UPDATE })),
  ];
  if (seeds.length === 0) return [];
  const planned = planCascade({
    id,
    cause: data.cause ?? (changed.length > 0 ? CONFIGURATION_UPDATE : FIRST_BUILD),
    seeds,
    descendants: data.descendants,
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return planned ? startCascade(planned, context) : [];
}

import type { CloudEvent } from 'cloudevents';
import { describeUpdates, updatesForImage } from './planning/rpm-affected';
import { planCascade, type CascadeSeed } from './planning/cascade-plan';
import { shortHash } from '../../shared/cascade/keys';
import type { RpmRepoChangedData } from '../../shared/events/contracts/rpm-repo-changed';
import { imageName } from '../../shared/index/types';
import { readImageState } from '../../shared/reports/image-state';
import { parseImageStateKey } from '../../shared/store/keys';
import { currentIndex, dispatchSettings, type DispatchContext } from './dispatcher-state';
import { startCascade } from './emit';

/**
 * New package versions in an RPM repository: the images (by their last scan's
 * `state/images/…`) that have one of the updated packages installed at another version
 * rebuild, with their descendants, as one cascade whose causes say which package moved from
 * which version to which.
 */
export async function onRpmRepoChanged(data: RpmRepoChangedData, event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const log = context.log.child({ eventId: event.id, repo: data.repo.key, revision: data.revision });
  if (data.updated.length === 0) return [];
  const view = await currentIndex(context);
  const { objects } = await context.store.list('state/images/');
  const seeds: CascadeSeed[] = [];
  for (const { key } of objects) {
    const ref = parseImageStateKey(key);
    const entry = ref ? view.entries.get(imageName(ref)) : undefined;
    if (!ref || !entry) continue;
    const state = await readImageState(context.store, ref);
    const updates = state ? updatesForImage(state, data) : [];
    if (updates.length === 0) continue;
    seeds.push({ entry, cause: { kind: 'rpm-update', message: describeUpdates(updates), packages: updates } });
  }
  log.info('images with updated packages', { images: seeds.map((seed) => imageName(seed.entry)), updated: data.updated.length });
  if (seeds.length === 0) return [];
  const planned = planCascade({
    id: `rpm-${shortHash(data.repo.key, data.revision)}`,
    cause: { kind: 'rpm-update', message: `New package versions in repo ${data.repo.key} (revision ${data.revision})`, packages: data.updated },
    seeds,
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return planned ? startCascade(planned, context) : [];
}

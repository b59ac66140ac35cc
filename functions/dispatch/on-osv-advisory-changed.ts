import type { CloudEvent } from 'cloudevents';
import { describeUpdates } from './planning/rpm-affected';
import { planCascade, type CascadeSeed } from './planning/cascade-plan';
import { shortHash } from '../../shared/cascade/keys';
import { imageName } from '../../shared/index/types';
import type { OsvAdvisoryChangedData } from '../../shared/events/contracts/osv-advisory-changed';
import { advisoryChangeStamps } from '../../shared/osv/change-stamps';
import { currentIndex, dispatchSettings, type DispatchContext } from './dispatcher-state';
import { startCascade } from './emit';

/** "ALSA-2026:0001 (CVE-2026-1234)": an advisory as a cause names it. */
function advisoryLabel(data: OsvAdvisoryChangedData, id: string): string {
  const cve = data.advisories.find((advisory) => advisory.id === id)?.aliases.find((alias) => alias.startsWith('CVE-'));
  return cve ? `${id} (${cve})` : id;
}

/** The first three advisories' labels, then how many more: a cause message stays short whatever a refresh brings. */
function advisoryList(data: OsvAdvisoryChangedData, ids: readonly string[]): string {
  const shown = ids.slice(0, 3).map((id) => advisoryLabel(data, id));
  return ids.length > 3 ? `${shown.join(', ')} and ${ids.length - 3} more` : shown.join(', ');
}

/**
 * New or changed OSV advisories whose fix the images' repositories (or, for pip, npm and gem
 * packages, their registries) carry (the repo tracker matched them): each listed image that is still in the index rebuilds, with its descendants,
 * as one cascade whose id derives from the advisories' ids and `modified` times and the package
 * moves (a redelivery, or the same change told twice, replays the cascade and builds nothing new;
 * a pending fix that ships later is a new move, so a new cascade). The cause is
 * `rpm-update` (a package moves to a newer version) and names the advisories: "ALSA-2026:0001
 * (CVE-2026-1234): openssl 3.0.7-24 → 3.0.7-25 in repo baseos", "GHSA-j8r2-6x86-q33q
 * (CVE-2023-32681): requests 2.25.0 → 2.31.0 (PyPI)".
 * @see ../../README.md#rebuild-triggers
 */
export async function onOsvAdvisoryChanged(data: OsvAdvisoryChangedData, event: CloudEvent<unknown>, context: DispatchContext): Promise<CloudEvent<unknown>[]> {
  const log = context.log.child({ eventId: event.id, advisories: data.advisories.map((advisory) => advisory.id) });
  const view = await currentIndex(context);
  const seeds: CascadeSeed[] = [];
  for (const image of data.images) {
    const entry = view.entries.get(image.image);
    if (!entry || image.packages.length === 0) continue;
    const advisories = advisoryList(data, image.advisories);
    seeds.push({ entry, cause: { kind: 'rpm-update', message: `${advisories}: ${describeUpdates(image.packages)}`, packages: image.packages } });
  }
  log.info('images with a reachable advisory fix', { images: seeds.map((seed) => imageName(seed.entry)) });
  if (seeds.length === 0) return [];
  const planned = planCascade({
    id: `osv-${shortHash(...advisoryChangeStamps(data))}`,
    cause: {
      kind: 'rpm-update',
      message: `Fixes available for ${advisoryList(
        data,
        data.advisories.map((advisory) => advisory.id),
      )}`,
    },
    seeds,
    graph: view.graph,
    entries: view.entries,
    maxInFlight: dispatchSettings(context).maxInFlight,
    now: new Date(),
  });
  return planned ? startCascade(planned, context) : [];
}

import { imageName } from '../../../shared/index/types';
import type { Logger } from '../../../shared/log/logger';
import type { ImageState } from '../../../shared/reports/image-state';
import { Semaphore } from '../../../shared/runtime/semaphore';
import type { RepoUsage } from '../../../shared/rpm/repo-usage';
import { parseImageStateKey } from '../../../shared/store/keys';
import type { ObjectStore } from '../../../shared/store/types';
import { normalizeBaseUrl, repoKeyOf } from './repo-key';
import type { TrackedRepo } from './types';

/** The base URL of a repository an image uses, or `null` for a disabled one or one without any. */
export function baseUrlOf(usage: Partial<RepoUsage>): string | null {
  if (usage.enabled === false || usage.status === 'disabled') return null;
  // The URL that answered at scan time, else the first configured one.
  const url = usage.baseurl ?? usage.baseurls?.find((candidate) => /^https?:\/\//.test(candidate));
  return typeof url === 'string' && /^https?:\/\//.test(url) ? normalizeBaseUrl(url) : null;
}

/**
 * Every RPM repository any image uses: the union of the `repos` of every
 * `state/images/…json` (what the scan's rpm-updates scanner found in the image's
 * `/etc/yum.repos.d`), keyed by {@link repoKeyOf} the base URL, sorted by key. A repository the
 * image knows only by mirrorlist or metalink, and that was unreachable when scanned, has no base
 * URL yet and is logged and left out until a scan finds one. Unreadable records are logged and
 * skipped.
 * @see ../../../shared/reports/image-state.ts
 */
export async function listTrackedRepos(store: ObjectStore, log: Logger, concurrency = 16): Promise<TrackedRepo[]> {
  const { objects } = await store.list('state/images/');
  const byKey = new Map<string, TrackedRepo>();
  const limit = new Semaphore(concurrency);
  const states = await Promise.all(
    objects
      .filter((object) => parseImageStateKey(object.key))
      .map((object) => limit.run(async () => ({ key: object.key, state: await readState(store, object.key, log) }))),
  );
  for (const { key, state } of states) {
    if (!state) continue;
    const image = imageName(state.project ?? parseImageStateKey(key)!);
    for (const usage of state.repos as Partial<RepoUsage>[]) {
      if (typeof usage !== 'object' || usage === null) continue;
      const url = baseUrlOf(usage);
      if (!url) {
        if (usage.enabled !== false && usage.status !== 'disabled') log.info('repo without a base URL not tracked', { image, repo: usage.id });
        continue;
      }
      const repoKey = repoKeyOf(url);
      const tracked = byKey.get(repoKey) ?? { key: repoKey, name: String(usage.id ?? repoKey), url, images: [] };
      tracked.images.push(image);
      byKey.set(repoKey, tracked);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((repo) => ({ ...repo, images: [...new Set(repo.images)].sort() }));
}

async function readState(store: ObjectStore, key: string, log: Logger): Promise<ImageState | null> {
  const stored = await store.get(key);
  if (!stored) return null;
  try {
    const state = JSON.parse(stored.body.toString('utf8')) as ImageState;
    return Array.isArray(state.repos) ? state : null;
  } catch (error) {
    log.warn('image state unreadable', { key, reason: (error as Error).message });
    return null;
  }
}

import type { CloudEvent } from 'cloudevents';
import { rewriteUrl } from '../../shared/config/scan-settings';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { validateEvent } from '../../shared/events/validate';
import { refreshAdvisories, type AdvisoryRefreshOutcome } from './advisories/refresh-advisories';
import { trackRepos } from './repos/track-repos';
import { type RepoHttp, type RepoPollOutcome } from './repos/types';
import type { FunctionContext, Handler } from '../../shared/function/types';

export const FUNCTION_NAME = 'track-repos';
const SOURCE = functionSource(FUNCTION_NAME);

export interface TrackReposHandlerOptions {
  /** Called with every repository's outcome (metrics, tests). */
  onPolled?: (outcome: RepoPollOutcome) => void;
  /** Called with what an OSV refresh came to (tests). */
  onAdvisories?: (outcome: AdvisoryRefreshOutcome) => void;
}

/** How repositories are reached: the very URL rewrites and request time limit the scanners use. */
export function repoHttp(context: FunctionContext): RepoHttp {
  const settings = context.config.scan;
  return { rewriteUrl: (url) => rewriteUrl(settings.urlRewrites, url), timeoutMs: settings.requestTimeoutMs };
}

/**
 * The repo tracker's handler. On `tick.osv-refresh`: refreshes the OSV exports and emits one
 * `osv.advisory-changed` when new or changed advisories have a fix that an image's repositories
 * carry ({@link refreshAdvisories}). On `tick.repo-poll`: polls every RPM repository that an image
 * uses (conditional GET of repomd.xml; on a new revision the primary, diffed against the
 * snapshot in `state/repos/`) and returns one `rpm-repo.changed` per repository whose packages
 * changed, with the id `rpm-repo/<key>/<old>-<new>` (checksum prefixes), so that a redelivered
 * tick re-emits a duplicate, never a second change. The first poll of a repository only records
 * it; an unreachable repository is logged and noted in its state, and emits nothing.
 * @see ./repos/readme.md
 */
export function createTrackReposHandler(options: TrackReposHandlerOptions = {}): Handler {
  return async (event: CloudEvent<unknown>, context: FunctionContext) => {
    validateEvent(event);
    const log = context.log.child({ eventId: event.id });
    if (event.type === EventTypes.tickOsvRefresh) {
      const outcome = await refreshAdvisories({
        store: context.store,
        http: repoHttp(context),
        log,
        tick: event.id,
        osv: context.config.scan.osv,
        registries: context.config.scan.registries,
      });
      log.info('OSV advisories refreshed', {
        status: outcome.status,
        exports: outcome.refresh.map((item) => `${item.ecosystem}: ${item.status}`),
        changed: outcome.changedAdvisories.length,
        images: outcome.event?.data.images.map((image) => image.image) ?? [],
        registryQueries: outcome.registryQueries?.asked ?? 0,
        pendingFixes: outcome.pending?.size ?? 0,
        pendingShipped: outcome.pending?.shipped ?? 0,
      });
      options.onAdvisories?.(outcome);
      return outcome.event ? [makeEvent(EventTypes.osvAdvisoryChanged, outcome.event.data, { source: SOURCE, id: outcome.event.id })] : [];
    }
    const outcomes = await trackRepos({
      store: context.store,
      http: repoHttp(context),
      log,
      tick: event.id,
      ...(options.onPolled ? { onPolled: options.onPolled } : {}),
    });
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    log.info('repos polled', { repos: outcomes.length, ...counts });
    return outcomes
      .filter((outcome) => outcome.change)
      .map((outcome) => makeEvent(EventTypes.rpmRepoChanged, outcome.change!.data, { source: SOURCE, id: outcome.change!.eventId }));
  };
}

export const handle: Handler = createTrackReposHandler();

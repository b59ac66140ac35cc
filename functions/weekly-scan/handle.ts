import type { CloudEvent } from 'cloudevents';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { dataOf, validateEvent } from '../../shared/events/validate';
import { type ScanRequestedData } from '../../shared/events/contracts/scan-requested';
import { type WeeklyTickData } from '../../shared/events/contracts/tick-weekly';
import { loadIndex } from '../../shared/index/load';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { registryClientFor } from '../../shared/registry/pipeline-registry';
import { Semaphore } from '../../shared/runtime/semaphore';
import { imageRefFor } from '../../shared/index/image-spec';
import type { FunctionContext, Handler } from '../../shared/function/types';
import { registryImagePresence, type ImagePresence } from './image-presence';
import { paceOf, systemClock, type Clock } from './pacing';

export const FUNCTION_NAME = 'weekly-scan';
const SOURCE = functionSource(FUNCTION_NAME);

export interface WeeklyScanOptions {
  clock?: Clock;
  presence?: ImagePresence;
  /** Registry lookups at once within a chunk (default 8). */
  concurrency?: number;
}

async function projectsOf(context: FunctionContext): Promise<ProjectEntry[]> {
  let projects: readonly ProjectEntry[];
  if (context.listProjects) projects = await context.listProjects();
  else if (context.config.index)
    projects = (await loadIndex(context.config.index.location, { branch: context.config.index.branch, workDir: context.config.workDir })).projects;
  else throw new ValidationError('the weekly rescan needs the index', [{ field: 'index.location', message: 'no index is configured (CCP_INDEX)' }]);
  // Image-name order: stable between chunks, so an offset means the same image every time.
  return [...projects].sort((a, b) => (imageName(a) < imageName(b) ? -1 : imageName(a) > imageName(b) ? 1 : 0));
}

/**
 * The weekly rescan. `tick.weekly` → for every image of the configured index, a `HEAD` of its
 * manifest in the registry and a `scan.requested` (reason `weekly`): with the digest when the
 * registry has the image, so the scan reads exactly that; without one when it has not, and the
 * scan function, finding no image either, answers its "image absent" `scan.completed`.
 *
 * Paced at `CCP_WEEKLY_SCAN_RATE` images per minute, in chunks: each call handles one chunk and
 * returns, beside its events, a `tick.weekly` continuation to itself carrying the original tick,
 * the next offset and the time the next chunk may start (`notBefore`); the next call waits until
 * then. No call outlives its timeout, no timer lives outside a request, and a pod scaled down
 * mid-way loses only its own chunk, which the broker redelivers. Ids are derived from the tick
 * (`weekly/<tick>/<image>`, `<tick>/chunk/<offset>`) and every event carries the tick's time, so
 * a redelivered tick or chunk emits the very same events (at least once, as Knative), which
 * their receivers deduplicate: the scan function answers a request it has the reports of from
 * them (the scan id derives from source, id and time), notify mails an event once. Nothing is
 * marked before it is emitted, so a crash between the two loses no scan.
 * @see ./readme.md
 */
export function createWeeklyScanHandler(options: WeeklyScanOptions = {}): Handler {
  const clock = options.clock ?? systemClock;
  return async (event: CloudEvent<unknown>, context: FunctionContext) => {
    validateEvent(event);
    // The pipeline registry's login and TLS mode (CCP_REGISTRY_*), for that registry only.
    const presence = options.presence ?? registryImagePresence(registryClientFor(context.config));
    const data = dataOf(event, EventTypes.tickWeekly) ?? {};
    const tick = data.tick ?? event.id;
    const offset = data.offset ?? 0;
    const pace = paceOf(context.config.weekly.scanRate);
    if (data.notBefore) {
      // Capped at one window, so a clock far off cannot hold the request past its timeout.
      const wait = Math.min(Date.parse(data.notBefore) - clock.now(), pace.windowMs);
      if (wait > 0) await clock.sleep(wait);
    }
    // The tick's time on everything emitted: a redelivery's events (and the scan ids derived
    // from them) are the first delivery's, not new ones.
    const stamp = event.time ? { time: event.time } : {};
    const registry = context.config.registry;
    if (!registry)
      throw new ValidationError('the weekly rescan needs the registry', [{ field: 'registry', message: 'no registry is configured (CCP_REGISTRY)' }]);
    const projects = await projectsOf(context);
    const chunk = projects.slice(offset, offset + pace.chunkSize);
    const limit = new Semaphore(options.concurrency ?? 8);
    const log = context.log.child({ eventId: event.id, tick, offset });
    const perImage = await Promise.all(
      chunk.map((entry) =>
        limit.run(async () => {
          const project = { appId: entry.appId, jobId: entry.jobId, desiredTag: entry.desiredTag };
          // Named as the build pushes it (library images without a namespace): the scan refuses any other.
          const ref = imageRefFor(registry, project);
          const found = await presence(ref);
          const request: ScanRequestedData = { project, image: { ref, ...(found ? { digest: found.digest } : {}) }, reason: 'weekly' };
          // Functions talk through events: an absent image is the scan function's to report too.
          if (!found) log.info('image absent from the registry; its scan will say so', { project: imageName(project), ref });
          return {
            absent: !found,
            event: makeEvent(EventTypes.scanRequested, request, { source: SOURCE, id: `weekly/${tick}/${imageName(project)}`, ...stamp }),
          };
        }),
      ),
    );
    const events: CloudEvent<unknown>[] = perImage.map((result) => result.event);
    const next = offset + chunk.length;
    if (chunk.length > 0 && next < projects.length) {
      const startedAt = Math.max(clock.now(), data.notBefore ? Date.parse(data.notBefore) : 0);
      const continuation: WeeklyTickData = { tick, offset: next, notBefore: new Date(startedAt + pace.windowMs).toISOString() };
      events.push(makeEvent(EventTypes.tickWeekly, continuation, { source: SOURCE, id: `${tick}/chunk/${next}`, ...stamp }));
    }
    log.info('weekly chunk', {
      images: chunk.length,
      absent: perImage.filter((result) => result.absent).length,
      total: projects.length,
      next: next < projects.length ? next : null,
    });
    return events;
  };
}

export const handle: Handler = createWeeklyScanHandler();

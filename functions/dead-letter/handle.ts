import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { abandonedBuild, storeAbandonedLog } from '../../shared/builds/abandoned';
import { packageRoot } from '../../shared/config/package-root';
import { deadLetterRecord, storeDeadLetter, type DeadLetterRecord } from '../../shared/runtime/dead-letter';
import { eventIdentityHash } from '../../shared/runtime/keys';
import { loadTriggers, SERVICE_PREFIX } from '../../shared/runtime/load-triggers';
import type { TriggerRoute } from '../../shared/runtime/types';
import type { ObjectStore } from '../../shared/store/types';
import type { Handler } from '../../shared/function/types';
import { indexEntryOf } from '../../shared/index/trusted-entry';
import { isRetryableStatus, readKnativeFailure, withoutKnativeExtensions, type KnativeDeliveryFailure } from './knative-error';

export const FUNCTION_NAME = 'dead-letter';

/** The folder of dead letters whose extensions name no Service of ours (or carry none). */
export const UNKNOWN_TRIGGER = 'unknown';

export interface DeadLetterOptions {
  /** The Triggers whose failures arrive here; read from the package's `eventing/` by default. */
  loadRoutes?: () => Promise<readonly TriggerRoute[]>;
  now?: () => Date;
}

/**
 * The handler of the `ccp-dead-letter` Service, the Broker's `deadLetterSink`: stores each event
 * Knative could not deliver as the embedded broker does (`deadletters/<trigger>/…`, the same
 * record), with the Trigger found from `knativeerrordest` and the error read from
 * `knativeerrorcode` / `knativeerrordata`. A redelivered dead letter (same Trigger, `source` and
 * `id`) overwrites its record. Accepts any event; emits nothing but, for a dead-lettered
 * `build.requested` or `lint.completed` of a build, the `build.completed` (failed) that ends it
 * (through `K_SINK`, the Broker), so that no cascade waits for it; it carries the index's entry of
 * the project, never the dead event's, and none is emitted for a project not in the index.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function createDeadLetterHandler(options: DeadLetterOptions = {}): Handler {
  const load = options.loadRoutes ?? (() => loadTriggers(path.join(packageRoot(), 'eventing')));
  const now = options.now ?? (() => new Date());
  let routes: Promise<readonly TriggerRoute[]> | undefined;

  return async (event, context) => {
    routes ??= load().catch((error: unknown) => {
      // Still store every dead letter; only the Trigger's retry count is then unknown.
      context.log.error('cannot read the eventing manifests', { error });
      return [];
    });
    const failure = readKnativeFailure(event);
    const route = (await routes).find((candidate) => candidate.subscriber.service === failure.service);
    // A Service of ours without a Trigger in eventing/ (yet) still gets its own folder.
    const service = failure.service?.startsWith(SERVICE_PREFIX) ? failure.service : null;
    const trigger = route?.name ?? service ?? UNKNOWN_TRIGGER;
    const functionName = route?.subscriber.functionName ?? service?.slice(SERVICE_PREFIX.length) ?? UNKNOWN_TRIGGER;
    const original = withoutKnativeExtensions(event);
    const retryable = isRetryableStatus(failure.code);
    const earlier = await findEarlierRecord(context.store, trigger, original);
    const error = errorOf(failure);

    const record: DeadLetterRecord = {
      ...deadLetterRecord({
        trigger,
        functionName,
        stage: 'delivery',
        event: original,
        error: new Error(error.message),
        // Knative dead-letters a retryable failure only once the Trigger's retries are spent.
        attempts: retryable ? 1 + (route?.delivery.retry ?? 0) : 1,
        // The first failure's time, so that a redelivery lands on the same key.
        time: earlier ?? now(),
        deadLetterSink: route?.delivery.deadLetterSink,
      }),
      // What Knative reports replaces what deadLetterRecord infers from a thrown error.
      error,
      retryable,
      knativeerrordest: failure.dest,
      knativeerrorcode: failure.code,
    };
    const key = await storeDeadLetter(context.store, record);
    context.log.warn('dead letter stored', {
      trigger,
      functionName,
      eventId: original.id,
      eventType: original.type,
      status: failure.code,
      key,
      redelivered: earlier !== null,
    });
    // A build whose lint or build step was given up on ends as failed, so its cascade moves on.
    // It names the index's entry: the dead event's may be forged (why lint or build refused it).
    const abandoned = await abandonedBuild(original, error.message, now(), indexEntryOf(context));
    if (!abandoned) return [];
    await storeAbandonedLog(context.store, abandoned);
    context.log.warn('build given up: build.completed failed', { buildId: (abandoned.event.data as { buildId: string }).buildId, eventId: abandoned.event.id });
    return [abandoned.event];
  };
}

function errorOf(failure: KnativeDeliveryFailure): DeadLetterRecord['error'] {
  if (failure.error?.errors) return { name: 'ValidationError', message: failure.error.message, errors: failure.error.errors };
  const message =
    failure.error?.message ??
    (failure.body.trim() ||
      (failure.code === 0 ? 'the event carries no Knative error extensions' : `HTTP ${failure.code} from ${failure.dest || 'an unknown destination'}`));
  return { name: 'KnativeDeliveryError', message };
}

/**
 * The time of the record already stored for this event under `trigger`, or `null`. Dead letters
 * are rare, so listing the Trigger's folder is cheap; the key starts with the time, which the
 * embedded broker uses to list failures in order.
 */
async function findEarlierRecord(store: ObjectStore, trigger: string, event: CloudEvent<unknown>): Promise<Date | null> {
  const suffix = `-${eventIdentityHash(String(event.source), String(event.id))}.json`;
  const { objects } = await store.list(`deadletters/${trigger}/`);
  const match = objects.find((object) => object.key.endsWith(suffix));
  if (!match) return null;
  const stored = await store.get(match.key);
  try {
    const time = new Date((JSON.parse(stored?.body.toString('utf8') ?? '') as { time?: unknown }).time as string);
    return Number.isNaN(time.getTime()) ? null : time;
  } catch {
    return null; // an unreadable record is replaced by a new one
  }
}

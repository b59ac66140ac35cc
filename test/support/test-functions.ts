import type { CloudEvent } from 'cloudevents';
import { loadConfig } from '../../shared/config/config';
import { RepoCache } from '../../shared/git/repo-cache';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { silentLogger } from '../../shared/log/logger';
import type { ObjectStore } from '../../shared/store/types';
import type { FunctionContext, FunctionDefinition } from '../../shared/function/types';

/** Test-only functions for the host and the broker: they record what they get and do as told. */

/** A `build.requested` event for `app/job:tag` with a chosen id. */
export function buildRequested(id: string, source = '/test', project = { appId: 'app', jobId: 'job', desiredTag: 'latest' }): CloudEvent<unknown> {
  return makeEvent(EventTypes.buildRequested, { project, cause: { kind: 'manual', message: 'requested by a test' } }, { source, id });
}

/** A `scan.requested` event, what the `relay` function emits. */
export function scanRequested(id: string, source = '/ccp/relay'): CloudEvent<unknown> {
  return makeEvent(
    EventTypes.scanRequested,
    { project: { appId: 'app', jobId: 'job', desiredTag: 'latest' }, image: { ref: 'localhost/app/job:latest' }, reason: 'manual' },
    { source, id },
  );
}

export interface RecordingFunction extends FunctionDefinition {
  /** Every event the handler was called with, in order (retries included). */
  readonly received: CloudEvent<unknown>[];
}

export interface Behaviour {
  /** Throw a plain Error on the first N calls. */
  failTimes?: number;
  /** Throw a ValidationError on every call. */
  refuse?: boolean;
  /** Events to return for each event handled. */
  emit?: (event: CloudEvent<unknown>) => CloudEvent<unknown>[];
  /** Awaited before answering (to hold a delivery in flight). */
  wait?: () => Promise<void>;
}

/**
 * A function named `name` that accepts `accepts`, records each event and behaves as told.
 */
export function recordingFunction(name: string, accepts: readonly string[], behaviour: Behaviour = {}): RecordingFunction {
  const received: CloudEvent<unknown>[] = [];
  let failuresLeft = behaviour.failTimes ?? 0;
  return {
    name,
    accepts,
    received,
    async handle(event) {
      received.push(event);
      if (behaviour.wait) await behaviour.wait();
      if (behaviour.refuse) throw new ValidationError('refused by the test function', [{ field: 'data.project', message: 'not wanted' }]);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error(`planned failure, ${failuresLeft} left`);
      }
      return behaviour.emit ? behaviour.emit(event) : [];
    },
  };
}

/** `relay`: on build.requested emits one scan.requested whose id derives from the input's. */
export function relayFunction(behaviour: Behaviour = {}): RecordingFunction {
  return recordingFunction('relay', [EventTypes.buildRequested], {
    ...behaviour,
    emit: (event) => [scanRequested(`${event.id}-scan`, functionSource('relay'))],
  });
}

/** A FunctionContext on `store` with a silent logger and no index. */
export function testContext(store: ObjectStore, dataDir = '/tmp/ccp-test'): FunctionContext {
  const config = loadConfig({ dataDir }, {});
  return {
    config,
    store,
    log: silentLogger,
    repos: new RepoCache(config.workDir),
    findEntry: async () => null,
  };
}

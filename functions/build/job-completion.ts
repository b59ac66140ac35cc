import type { CloudEvent } from 'cloudevents';
import type { BuildOutcome, Builder } from '../../shared/builders/types';
import type { ProjectRef } from '../../shared/index/types';

/** A cluster build that ended: which build, how, and the pod's log to keep. */
export interface JobCompletion {
  buildId: string;
  project: ProjectRef;
  outcome: BuildOutcome;
  /** The build pod's log (init steps and buildah), copied into `build.log`. */
  log: string;
}

/**
 * A backend that submits builds (`start` answers `submitted`) and learns of their end from the
 * ApiServerSource's `dev.knative.apiserver.resource.update` events about its Jobs.
 */
export interface CompletingBuilder extends Builder {
  /**
   * The completion an event tells of: `null` while the Job still runs, or when the event is not
   * about one of the backend's Jobs. Reads the pod's log from the cluster.
   * @see https://knative.dev/docs/eventing/sources/apiserversource/
   */
  completeFromEvent(event: CloudEvent<unknown>): Promise<JobCompletion | null>;
}

/** True when `builder` finishes builds from Job events (the kubernetes backend). */
export function completesFromEvents(builder: Builder): builder is CompletingBuilder {
  return typeof (builder as Partial<CompletingBuilder>).completeFromEvent === 'function';
}

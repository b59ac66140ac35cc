import type { BuildOutcome, Builder } from '../../shared/builds/builder-types';
import type { ProjectRef } from '../../shared/index/types';

/** A submitted cluster build that has finished, with its whole log (read from the cluster) to store. */
export interface JobCompletion {
  buildId: string;
  outcome: BuildOutcome;
  log: string;
  namespace: string;
  jobName: string;
  /** The image built, when the backend says; else read back from `outcome.imageRef`. */
  project?: ProjectRef;
}

/**
 * A backend that submits builds (`start` answers `submitted`) and finishes them from the
 * ApiServerSource's events about its Jobs (the kubernetes backend): `completeFromEvent` answers
 * `null` while the Job runs or when the event is about another object.
 * @see https://knative.dev/docs/eventing/sources/apiserversource/
 */
export interface CompletingBuilder extends Builder {
  completeFromEvent(event: { type: string; data?: unknown }): Promise<JobCompletion | null>;
}

/** True when `builder` finishes builds from Job events. */
export function completesFromEvents(builder: Builder): builder is CompletingBuilder {
  return typeof (builder as Partial<CompletingBuilder>).completeFromEvent === 'function';
}

/**
 * The project a finished cluster build was for: the completion's own `project` when the backend
 * gives one, else read back from the image reference the build function made for it
 * (`<registry>/<app-id>/<job-id>:<tag>`, `<registry>/<job-id>:<tag>` for `library`); `null` when
 * the reference is not one of this registry's.
 * @see ../../shared/index/image-spec.ts
 */
export function projectOfCompletion(completion: JobCompletion, registry: string | undefined): ProjectRef | null {
  if (completion.project) return completion.project;
  const ref = completion.outcome.imageRef;
  if (!registry || !ref.startsWith(`${registry}/`)) return null;
  const match = /^(.+):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(ref.slice(registry.length + 1));
  if (!match) return null;
  const [repository, desiredTag] = [match[1]!, match[2]!];
  const slash = repository.indexOf('/');
  return slash < 0
    ? { appId: 'library', jobId: repository, desiredTag }
    : { appId: repository.slice(0, slash), jobId: repository.slice(slash + 1), desiredTag };
}

import { BatchV1Api, CoreV1Api, HttpError, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { KubernetesBuildSettings } from '../settings';
import type { ApiServerEvent, BuildCompletion, Builder, BuildLog, BuildSpec, BuildStart } from '../types';
import { finishedJobOf, outcomeOf, projectOf } from './complete';
import { buildJob } from './job';

/** Containers of a build pod, in the order they run. */
const CONTAINERS = ['checkout', 'prebuild', 'build'];

export interface KubernetesBuilderOptions {
  /** The cluster to talk to; by default the pod's service account, else `~/.kube/config`. */
  kubeConfig?: KubeConfig;
}

/** The Kubernetes API refused or could not take a request; the broker retries the event. */
export class KubernetesBuilderError extends Error {
  override readonly name = 'KubernetesBuilderError';
}

/**
 * The cluster backend: `start` submits a `batch/v1` Job (see job.ts) and returns at once;
 * `completeFromEvent` turns the ApiServerSource event of that Job's end into the outcome and
 * the pod's log (read with `readNamespacedPodLog`). Untrusted prebuild code runs in the build
 * pod, never in a function.
 * @see ./readme.md
 */
export function createKubernetesBuilder(settings: KubernetesBuildSettings, options: KubernetesBuilderOptions = {}): Builder & Required<Pick<Builder, 'completeFromEvent'>> {
  let apis: { batch: BatchV1Api; core: CoreV1Api } | null = null;
  const api = (): { batch: BatchV1Api; core: CoreV1Api } => {
    if (!apis) {
      const config = options.kubeConfig ?? defaultKubeConfig();
      apis = { batch: config.makeApiClient(BatchV1Api), core: config.makeApiClient(CoreV1Api) };
    }
    return apis;
  };
  return {
    id: 'kubernetes',
    async start(spec: BuildSpec, log: BuildLog): Promise<BuildStart> {
      const job = buildJob(spec, settings);
      const jobName = job.metadata!.name!;
      log.write(`==> submit: Job ${settings.namespace}/${jobName} (image ${settings.image})\n`);
      try {
        await api().batch.createNamespacedJob(settings.namespace, job);
      } catch (error) {
        // The same build submitted twice (a redelivered event) finds its Job already there.
        if (!(error instanceof HttpError && error.statusCode === 409)) throw apiError(`cannot create Job ${settings.namespace}/${jobName}`, error);
        log.write(`==> Job ${jobName} exists already; waiting for it\n`);
      }
      return { kind: 'submitted', namespace: settings.namespace, jobName };
    },
    async completeFromEvent(event: ApiServerEvent): Promise<BuildCompletion | null> {
      const finished = finishedJobOf(event);
      if (!finished) return null;
      const pod = await podOf(api().core, finished.namespace, finished.jobName);
      const outcome = outcomeOf(finished, pod);
      const log = pod ? await podLog(api().core, pod) : `==> the pod of Job ${finished.jobName} is gone; no log\n`;
      const project = projectOf(finished.job);
      return { buildId: finished.buildId, ...(project ? { project } : {}), outcome, log, namespace: finished.namespace, jobName: finished.jobName };
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

async function podOf(core: CoreV1Api, namespace: string, jobName: string): Promise<V1Pod | null> {
  try {
    const { body } = await core.listNamespacedPod(namespace, undefined, undefined, undefined, undefined, `job-name=${jobName}`);
    return body.items[0] ?? null;
  } catch (error) {
    throw apiError(`cannot list the pods of Job ${namespace}/${jobName}`, error);
  }
}

/** Each container's log under a header, in run order; a log that cannot be read says so. */
async function podLog(core: CoreV1Api, pod: V1Pod): Promise<string> {
  const ran = new Set([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].filter((status) => status.state?.terminated || status.state?.running).map((status) => status.name));
  const parts: string[] = [];
  for (const container of CONTAINERS.filter((name) => ran.has(name))) {
    parts.push(`==> ${container}\n`);
    try {
      const { body } = await core.readNamespacedPodLog(pod.metadata!.name!, pod.metadata!.namespace!, container);
      parts.push(body.endsWith('\n') || body === '' ? body : `${body}\n`);
    } catch (error) {
      parts.push(`(log of ${container} unavailable: ${apiError('', error).message.trim()})\n`);
    }
  }
  return parts.join('');
}

function apiError(what: string, error: unknown): KubernetesBuilderError {
  if (error instanceof HttpError) {
    const body = error.body as { message?: string } | undefined;
    return new KubernetesBuilderError(`${what}: HTTP ${error.statusCode ?? '?'} ${body?.message ?? ''}`.trim());
  }
  return new KubernetesBuilderError(`${what}: ${(error as Error).message}`);
}

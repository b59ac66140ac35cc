import type * as KubernetesClient from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { BatchV1Api, CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { KubernetesBuildSettings } from '../../../../shared/config/build-settings';
import type {
  ApiServerEvent,
  BuildCompletion,
  Builder,
  BuildLog,
  BuildOutcome,
  BuildSpec,
  BuildStart,
  RegistryAccess,
} from '../../../../shared/builds/builder-types';
import { baseImageDigests, pipelineManifestLookup, type CurrentManifest } from '../base-image';
import { buildReportOf, finishedJobOf, outcomeOf, projectOf } from './complete';
import { buildJob } from './job';

/** Containers of a build pod, in the order they run. */
const CONTAINERS = ['checkout', 'prebuild', 'build'];

/** `@kubernetes/client-node` as a module. */
export type KubernetesClientModule = typeof KubernetesClient;

export interface KubernetesBuilderOptions {
  /** The cluster to talk to; by default the pod's service account, else `~/.kube/config`. */
  kubeConfig?: KubeConfig;
  /**
   * The client library, already loaded; by default it is imported on the first call to the
   * cluster ({@link loadKubernetesClient}). Tests pass the one they loaded: Jest on Node 20
   * cannot `import()` an ES module.
   */
  client?: KubernetesClientModule;
  /**
   * The pipeline's registry, with the build function's login for it: asked which manifest it
   * serves for a build's base image (`../base-image.ts`). Without it the digest the build
   * pod's storage reported stands.
   */
  registry?: RegistryAccess | null;
}

/** The Kubernetes API refused or could not take a request; the broker retries the event. */
export class KubernetesBuilderError extends Error {
  override readonly name = 'KubernetesBuilderError';
}

interface Connection {
  client: KubernetesClientModule;
  batch: BatchV1Api;
  core: CoreV1Api;
}

/**
 * The cluster backend: `start` submits a `batch/v1` Job (see job.ts) and returns at once;
 * `completeFromEvent` turns the ApiServerSource event of that Job's end into the outcome and
 * the pod's log (read with `readNamespacedPodLog`). Untrusted prebuild code runs in the build
 * pod, never in a function. The client library is loaded on the first call to the cluster.
 * @see ./readme.md
 */
export function createKubernetesBuilder(
  settings: KubernetesBuildSettings,
  options: KubernetesBuilderOptions = {},
): Builder & Required<Pick<Builder, 'completeFromEvent'>> {
  let connection: Promise<Connection> | null = null;
  const current: CurrentManifest = options.registry ? pipelineManifestLookup(options.registry) : () => Promise.resolve(null);
  const connect = (): Promise<Connection> => {
    connection ??= connectTo(options).catch((error: unknown) => {
      // A failed load or configuration is tried again with the next event, not remembered.
      connection = null;
      throw error;
    });
    return connection;
  };
  return {
    id: 'kubernetes',
    async start(spec: BuildSpec, log: BuildLog): Promise<BuildStart> {
      const job = buildJob(spec, settings);
      const jobName = job.metadata!.name!;
      log.write(`==> submit: Job ${settings.namespace}/${jobName} (image ${settings.image})\n`);
      const { client, batch } = await connect();
      try {
        await batch.createNamespacedJob({ namespace: settings.namespace, body: job });
      } catch (error) {
        // The same build submitted twice (a redelivered event) finds its Job already there.
        if (statusOf(client, error) !== 409) throw apiError(client, `cannot create Job ${settings.namespace}/${jobName}`, error);
        log.write(`==> Job ${jobName} exists already; waiting for it\n`);
      }
      return { kind: 'submitted', namespace: settings.namespace, jobName };
    },
    async completeFromEvent(event: ApiServerEvent): Promise<BuildCompletion | null> {
      const finished = finishedJobOf(event);
      if (!finished) return null;
      const api = await connect();
      const pod = await podOf(api, finished.namespace, finished.jobName);
      const outcome = await withBaseImages(outcomeOf(finished, pod), pod, current);
      const log = pod ? await podLog(api, pod) : `==> the pod of Job ${finished.jobName} is gone; no log\n`;
      const project = projectOf(finished.job);
      return { buildId: finished.buildId, ...(project ? { project } : {}), outcome, log, namespace: finished.namespace, jobName: finished.jobName };
    },
  };
}

/**
 * A succeeded outcome with the base image the build pod reported (`complete.ts`), at the digest
 * the shared decision gives (`../base-image.ts`, the registry asked from here, never from the
 * pod); the list is left out when there is no base, as for an image `FROM scratch`.
 */
async function withBaseImages(outcome: BuildOutcome, pod: V1Pod | null, current: CurrentManifest): Promise<BuildOutcome> {
  if (outcome.status !== 'succeeded') return outcome;
  const bases = await baseImageDigests(buildReportOf(pod).base, current);
  return bases.length > 0 ? { ...outcome, baseImageDigests: bases } : outcome;
}

/**
 * Imports `@kubernetes/client-node` (ES modules only since 1.0, fetch-based). Only this backend
 * needs it, and it is large (most of a second to load), so it is imported on first use rather
 * than by every function that loads the builders.
 * @see https://github.com/kubernetes-client/javascript/releases/tag/1.0.0
 */
export function loadKubernetesClient(): Promise<KubernetesClientModule> {
  return import('@kubernetes/client-node');
}

async function connectTo(options: KubernetesBuilderOptions): Promise<Connection> {
  const client = options.client ?? (await loadKubernetesClient());
  const config = options.kubeConfig ?? defaultKubeConfig(client);
  return { client, batch: config.makeApiClient(client.BatchV1Api), core: config.makeApiClient(client.CoreV1Api) };
}

function defaultKubeConfig(client: KubernetesClientModule): KubeConfig {
  const config = new client.KubeConfig();
  config.loadFromDefault();
  return config;
}

async function podOf({ client, core }: Connection, namespace: string, jobName: string): Promise<V1Pod | null> {
  try {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
    return pods.items[0] ?? null;
  } catch (error) {
    throw apiError(client, `cannot list the pods of Job ${namespace}/${jobName}`, error);
  }
}

/** Each container's log under a header, in run order; a log that cannot be read says so. */
async function podLog({ client, core }: Connection, pod: V1Pod): Promise<string> {
  const ran = new Set(
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
      .filter((status) => status.state?.terminated || status.state?.running)
      .map((status) => status.name),
  );
  const parts: string[] = [];
  for (const container of CONTAINERS.filter((name) => ran.has(name))) {
    parts.push(`==> ${container}\n`);
    try {
      const body = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, container });
      parts.push(body.endsWith('\n') || body === '' ? body : `${body}\n`);
    } catch (error) {
      parts.push(`(log of ${container} unavailable: ${apiError(client, '', error).message.trim()})\n`);
    }
  }
  return parts.join('');
}

/** The HTTP status of the client's `ApiException`; `null` for anything else (no connection, a bug). */
function statusOf(client: KubernetesClientModule, error: unknown): number | null {
  return error instanceof client.ApiException && typeof error.code === 'number' ? error.code : null;
}

/**
 * The API server's own words (the `message` of its `Status`), never the client's exception text,
 * which holds the response headers. The 1.x client gives an unexpected status's body as text.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind
 */
function apiError(client: KubernetesClientModule, what: string, error: unknown): KubernetesBuilderError {
  const status = statusOf(client, error);
  if (status !== null) {
    const body = (error as { body?: unknown }).body;
    return new KubernetesBuilderError(`${what}: HTTP ${status} ${statusMessage(body)}`.trim());
  }
  return new KubernetesBuilderError(`${what}: ${(error as Error).message}`);
}

function statusMessage(body: unknown): string {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return '';
    }
  }
  const message = (value as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { parseImageName } from '../../../../shared/index/types';
import { buildFailureReason } from '../buildah/failure-reason';
import { redact } from '../../../../shared/redact/redact';
import type { ApiServerEvent, BuildOutcome } from '../../../../shared/builds/builder-types';
import { parseImageReference } from '../../../../shared/registry/reference';
import { fullImageId, type BuiltBase } from '../base-image';
import { ANNOTATIONS, LABELS } from './labels';

/** The ApiServerSource event types that carry a Job's new state. */
export const JOB_EVENT_TYPES = ['dev.knative.apiserver.resource.update', 'dev.knative.apiserver.resource.add'];

/** A finished build Job, read from an event: which build, how it ended as a whole. */
export interface FinishedJob {
  job: V1Job;
  buildId: string;
  namespace: string;
  jobName: string;
  succeeded: boolean;
  /** The Job condition's reason when it failed (`DeadlineExceeded`, `BackoffLimitExceeded`…). */
  failure?: string;
}

/**
 * The build Job an ApiServerSource event (Resource mode: the object is the data) reports as
 * finished: its `Complete` or `Failed` condition is `True`. `null` for other kinds, Jobs that
 * are not ours (no `ccp.centos.org/build-id` label) and Jobs still running.
 * @see https://knative.dev/docs/eventing/sources/apiserversource/
 */
export function finishedJobOf(event: ApiServerEvent): FinishedJob | null {
  if (!JOB_EVENT_TYPES.includes(event.type)) return null;
  const job = parseData(event.data) as V1Job | null;
  if (!job || job.kind !== 'Job' || !job.metadata?.name || !job.metadata.labels?.[LABELS.buildId]) return null;
  const condition = (type: string) => job.status?.conditions?.find((item) => item.type === type && item.status === 'True');
  const complete = condition('Complete');
  const failed = condition('Failed');
  if (!complete && !failed) return null;
  return {
    job,
    buildId: job.metadata.annotations?.[ANNOTATIONS.buildId] ?? job.metadata.labels[LABELS.buildId]!,
    namespace: job.metadata.namespace ?? 'default',
    jobName: job.metadata.name,
    succeeded: Boolean(complete),
    ...(failed ? { failure: failed.reason ?? 'Failed' } : {}),
  };
}

const STEP_OF: Record<string, keyof BuildOutcome['steps']> = { checkout: 'checkout', prebuild: 'prebuild', build: 'build' };

/**
 * The outcome of a finished build Job from its pod: the digest from the `build` container's
 * termination message ({@link parseBuildReport}), or the reason of the first container that failed (its termination
 * message, which the scripts write, else the log tail Kubernetes falls back to); step times from
 * the containers' start and finish. Without a pod (deleted, never scheduled) the Job's condition
 * is the reason.
 */
export function outcomeOf(finished: FinishedJob, pod: V1Pod | null): BuildOutcome {
  const annotations = finished.job.metadata?.annotations ?? {};
  const imageRef = annotations[ANNOTATIONS.imageRef] ?? '';
  const statuses = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  const steps: BuildOutcome['steps'] = {};
  for (const status of statuses) {
    const terminated = status.state?.terminated;
    const step = STEP_OF[status.name];
    if (step && terminated?.startedAt && terminated.finishedAt)
      steps[step] = new Date(terminated.finishedAt).getTime() - new Date(terminated.startedAt).getTime();
  }
  const failedStatus = statuses.find((status) => (status.state?.terminated?.exitCode ?? 0) !== 0);
  if (failedStatus) return { status: 'failed', reason: reasonOf(failedStatus, annotations), imageRef, steps };
  if (finished.succeeded) {
    const { digest } = buildReportOf(pod);
    if (digest) return { status: 'succeeded', imageRef, digest, steps };
    return { status: 'failed', reason: 'the build pod ended without a digest', imageRef, steps };
  }
  const deadline = finished.job.spec?.activeDeadlineSeconds;
  const reason =
    finished.failure === 'DeadlineExceeded'
      ? `build timed out after ${deadline ?? '?'} s (the Job's activeDeadlineSeconds)`
      : `the build Job failed: ${finished.failure ?? 'unknown reason'}`;
  return { status: 'failed', reason, imageRef, steps };
}

/** What the `build` container reported after its push: the pushed digest and the base image, each `null` when absent or not valid. */
export interface BuildReport {
  digest: string | null;
  base: BuiltBase | null;
}

/** The kubelet keeps at most this much of a termination message; anything longer is not the script's. */
const MESSAGE_MAX = 4096;
const REPORT_LINE = /^([a-z]+(?:-[a-z]+)*)=(.*)$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** A reference as the script lets it through; `parseImageReference` then checks its parts. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,511}$/;
const REGISTRY_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/;

/** Each field of the report and the check its value must pass (`null`: refused). */
const REPORT_FIELDS: Record<string, (value: string) => string | null> = {
  digest: (value) => (DIGEST.test(value) ? value : null),
  'base-name': (value) => (isBaseName(value) ? value : null),
  'base-digest': (value) => (DIGEST.test(value) ? value : null),
  'base-id': (value) => fullImageId(value),
};

/**
 * The build container's termination message, written by `BUILD_REPORT_SCRIPT` (scripts.ts) as
 * `key=value` lines (`digest`, `base-name`, `base-digest`, `base-id`), or by a Job an older
 * version started as the bare digest. The build container runs the project's Dockerfile, so the
 * message is read as hostile: only its first 4096 characters, each field checked on its own
 * (a digest is `sha256:` and 64 hex digits, a name a plain image reference of at most 512
 * characters), unknown keys and other lines ignored, a key given twice refused; a field that
 * fails is absent and takes nothing else with it. The base needs a valid name; without one
 * the build records no base, and still succeeds with its digest.
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/#customizing-the-termination-message
 */
export function parseBuildReport(message: string): BuildReport {
  const text = message.slice(0, MESSAGE_MAX);
  if (DIGEST.test(text.trim())) return { digest: text.trim(), base: null };
  const values = new Map<string, string | null>();
  for (const line of text.split('\n')) {
    const match = REPORT_LINE.exec(line);
    const check = match ? REPORT_FIELDS[match[1]!] : undefined;
    if (!match || !check) continue;
    values.set(match[1]!, values.has(match[1]!) ? null : check(match[2]!));
  }
  const name = values.get('base-name');
  const storageDigest = values.get('base-digest');
  const imageId = values.get('base-id');
  return {
    digest: values.get('digest') ?? null,
    base: name ? { name, ...(storageDigest ? { storageDigest } : {}), ...(imageId ? { imageId } : {}) } : null,
  };
}

/** The report of a pod's `build` container; nothing when it has not ended with a message. */
export function buildReportOf(pod: V1Pod | null): BuildReport {
  const statuses = pod?.status?.containerStatuses ?? [];
  const message = statuses.find((status) => status.name === 'build')?.state?.terminated?.message;
  return typeof message === 'string' ? parseBuildReport(message) : { digest: null, base: null };
}

function isBaseName(value: string): boolean {
  if (!REFERENCE.test(value)) return false;
  try {
    return REGISTRY_HOST.test(parseImageReference(value).registry);
  } catch {
    return false;
  }
}

function reasonOf(status: V1ContainerStatus, annotations: Record<string, string>): string {
  const terminated = status.state!.terminated!;
  const message = (terminated.message ?? '').trim();
  const exit = `exited with ${terminated.exitCode}`;
  switch (status.name) {
    case 'checkout': {
      const words = message.split('\n').find((line) => line.startsWith('fatal:')) ?? message.split('\n').pop() ?? exit;
      return `git fetch of ${redact(annotations[ANNOTATIONS.gitUrl] ?? '', [])} at ${annotations[ANNOTATIONS.commit] ?? '?'} failed: ${words || exit}`;
    }
    case 'prebuild':
      return message.startsWith('prebuild') ? message : `prebuild script ${annotations[ANNOTATIONS.prebuildScript] ?? ''} ${exit}`.replace('  ', ' ');
    default: {
      if (/^(push of|Dockerfile|build context|login to) /.test(message)) return message;
      return buildFailureReason(message.split('\n')) ?? `${status.name} ${exit}`;
    }
  }
}

/** The project a Job's annotation names; `undefined` when it does not. */
export function projectOf(job: V1Job): ReturnType<typeof parseImageName> | undefined {
  const name = job.metadata?.annotations?.[ANNOTATIONS.project];
  return (name && parseImageName(name)) || undefined;
}

function parseData(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return null;
    }
  }
  if (Buffer.isBuffer(data)) return parseData(data.toString('utf8'));
  return data ?? null;
}

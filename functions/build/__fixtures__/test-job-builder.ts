import type { CloudEvent } from 'cloudevents';
import type { BuildLog, BuildSpec, BuildStart } from '../../../shared/builds/builder-types';
import { parseData } from '../../../shared/events/validate';
import type { CompletingBuilder, JobCompletion } from '../job-completion';

/** The Job an ApiServerSource event carries, as far as this test double reads it. */
export interface TestJob {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  status: { active?: number; succeeded?: number; failed?: number };
}

/**
 * A cluster-like backend for the completion path: `start` submits (nothing runs), and
 * `completeFromEvent` reads the Job in the event's data: labels name the build, `status`
 * says whether it ended. The pod log is whatever the test put in `podLogs`. Like the real
 * backend it gives no project: the build function reads it back from the image reference.
 */
export class TestJobBuilder implements CompletingBuilder {
  readonly id = 'kubernetes' as const;
  readonly podLogs = new Map<string, string>();

  constructor(private readonly registry: string) {}

  async start(spec: BuildSpec, log: BuildLog): Promise<BuildStart> {
    log.write(`==> submit: Job ccp-build-${spec.buildId}\n`);
    return { kind: 'submitted', namespace: 'ccp', jobName: `ccp-build-${spec.buildId}` };
  }

  async completeFromEvent(event: Pick<CloudEvent<unknown>, 'type' | 'data'>): Promise<JobCompletion | null> {
    const job = parseData(event.data) as TestJob;
    const buildId = job.metadata.labels['ccp.centos.org/build-id'];
    if (!buildId || (!job.status.succeeded && !job.status.failed)) return null;
    const [appId, jobId, desiredTag] = job.metadata.labels['ccp.centos.org/image']!.split('.');
    const succeeded = Boolean(job.status.succeeded);
    const imageRef = `${this.registry}/${appId === 'library' ? '' : `${appId}/`}${jobId}:${desiredTag}`;
    return {
      buildId,
      outcome: succeeded
        ? { status: 'succeeded', imageRef, digest: `sha256:${'1'.repeat(64)}`, steps: { build: 10 } }
        : { status: 'failed', reason: 'RUN exited with 1 at line 2', imageRef, steps: { build: 10 } },
      log: this.podLogs.get(buildId) ?? '',
      namespace: job.metadata.namespace,
      jobName: job.metadata.name,
    };
  }
}

import type { BuildLog, BuildOutcome, BuildSpec, BuildStart, Builder } from '../../../shared/builds/builder-types';

/**
 * A backend that builds nothing but keeps the contract: it writes a log with step headers,
 * finishes with the outcome the test chose, and, when told to hold a build, waits until the
 * test releases it. Only for the queue, record and log tests of the build function; the end
 * to end tests use the real local backend.
 */
export class TestBuilder implements Builder {
  readonly id = 'local' as const;
  readonly specs: BuildSpec[] = [];
  readonly started: string[] = [];
  private readonly held = new Map<string, () => void>();
  private readonly holding = new Set<string>();

  constructor(private readonly decide: (spec: BuildSpec) => Partial<BuildOutcome> | Error = () => ({})) {}

  /** Builds of this job id wait in their build step until {@link release}. */
  hold(jobId: string): void {
    this.holding.add(jobId);
  }

  release(jobId: string): void {
    this.holding.delete(jobId);
    this.held.get(jobId)?.();
  }

  async start(spec: BuildSpec, log: BuildLog, signal: AbortSignal): Promise<BuildStart> {
    this.specs.push(spec);
    this.started.push(spec.buildId);
    log.write(`==> checkout: ${spec.entry.gitUrl} at ${spec.commit}\n==> checkout done in 0.0 s\n`);
    log.write(`==> build: buildah bud -t ${spec.imageRef}\n`);
    if (this.holding.has(spec.entry.jobId)) {
      await new Promise<void>((resolve) => {
        this.held.set(spec.entry.jobId, resolve);
        signal.addEventListener('abort', () => resolve());
      });
    }
    const decided = this.decide(spec);
    if (decided instanceof Error) throw decided;
    const outcome: BuildOutcome = {
      status: 'succeeded',
      imageRef: spec.imageRef,
      digest: `sha256:${'0'.repeat(64)}`,
      steps: { checkout: 1, build: 2, push: 3 },
      ...decided,
    };
    if (outcome.status === 'failed') delete outcome.digest;
    log.write(outcome.status === 'succeeded' ? `==> push done\n` : `==> build failed: ${outcome.reason}\n`);
    return { kind: 'finished', outcome };
  }
}

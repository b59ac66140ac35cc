import type { BuildOutcome } from '../../../../shared/builds/builder-types';
import type { RedactingLog } from '../../../../shared/redact/redacting-stream';

export type StepName = keyof BuildOutcome['steps'];

/** A step failed: the outcome's reason, for people. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
}

/**
 * Runs the steps of one build in order, each timed into `steps` and framed in the log by a
 * header (`==> build: …`) and a footer with its time, so a person following the log sees where
 * the build is. A step fails by throwing {@link StepFailure}; any other error is the backend's
 * own fault and propagates.
 */
export class StepRunner {
  readonly steps: BuildOutcome['steps'] = {};

  constructor(
    private readonly log: RedactingLog,
    private readonly signal: AbortSignal,
  ) {}

  async run<T>(name: StepName, title: string, work: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw new StepFailure(`aborted before ${name}`);
    this.log.write(`==> ${name}: ${title}\n`);
    const started = performance.now();
    try {
      const result = await work();
      this.log.write(`==> ${name} done in ${seconds(this.record(name, started))}\n`);
      return result;
    } catch (error) {
      const took = seconds(this.record(name, started));
      if (error instanceof StepFailure) this.log.write(`==> ${name} failed after ${took}: ${error.message}\n`);
      throw error;
    }
  }

  private record(name: StepName, started: number): number {
    const took = Math.round(performance.now() - started);
    this.steps[name] = took;
    return took;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

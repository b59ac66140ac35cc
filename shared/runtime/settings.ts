import type { Issue } from '../errors/validation-error';
import { PIPELINE, read } from '../config/settings';
import type { ChaosSettings } from './chaos';

/** How the embedded runtime recovers and delivers (`CCP_RETRY_INTERRUPTED`, `CCP_CHAOS`). */
export interface RuntimeSettings {
  /** A build a stopped process left unfinished runs again (same build id); off: it ends failed, "interrupted". */
  retryInterrupted: boolean;
  /** The broker's test mode; `null` off. */
  chaos: ChaosSettings | null;
}

export const RUNTIME_ENV = { retryInterrupted: PIPELINE.retryInterrupted.env!, chaos: PIPELINE.chaos.env! };

/**
 * Reads the embedded runtime's settings from the environment and the config file's `runtime:`.
 * @see ./readme.md
 */
export function loadRuntimeSettings(
  file: { retryInterrupted?: boolean; chaos?: string } | undefined,
  env: NodeJS.ProcessEnv,
  where: { file?: string },
  issues: Issue[],
): RuntimeSettings {
  const source = { env, file: { runtime: file }, where, issues };
  return { retryInterrupted: read(PIPELINE.retryInterrupted, source), chaos: read(PIPELINE.chaos, source) };
}

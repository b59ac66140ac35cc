import type { Issue } from '../errors/validation-error';
import { ValidationError } from '../errors/validation-error';
import { CHAOS_ENV, parseChaos, type ChaosSettings } from './chaos';

/** How the embedded runtime recovers and delivers (`CCP_RETRY_INTERRUPTED`, `CCP_CHAOS`). */
export interface RuntimeSettings {
  /** A build a stopped process left unfinished runs again (same build id); off: it ends failed, "interrupted". */
  retryInterrupted: boolean;
  /** The broker's test mode; `null` off. */
  chaos: ChaosSettings | null;
}

export const RUNTIME_ENV = { retryInterrupted: 'CCP_RETRY_INTERRUPTED', chaos: CHAOS_ENV } as const;

/**
 * Reads the embedded runtime's settings from the environment and the config file's `runtime:`.
 * @see ./readme.md
 */
export function loadRuntimeSettings(file: { retryInterrupted?: boolean; chaos?: string } | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): RuntimeSettings {
  const raw = env[RUNTIME_ENV.retryInterrupted];
  let retryInterrupted = file?.retryInterrupted ?? true;
  if (raw !== undefined && raw !== '') {
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) retryInterrupted = true;
    else if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) retryInterrupted = false;
    else issues.push({ ...where, field: 'runtime.retryInterrupted', message: `must be true or false (${RUNTIME_ENV.retryInterrupted})` });
  }
  let chaos: ChaosSettings | null = null;
  try {
    chaos = parseChaos(env[RUNTIME_ENV.chaos] ?? file?.chaos);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.errors.map((issue) => ({ ...where, ...issue, field: 'runtime.chaos' })));
  }
  return { retryInterrupted, chaos };
}

import type { Issue } from '../errors/validation-error';
import { PIPELINE, read } from '../config/settings';
import type { DispatchSettings } from './types';

export const DISPATCH_ENV = { coalesceMs: PIPELINE.coalesceMs.env!, maxInFlight: PIPELINE.maxInFlight.env! };

/** The `dispatch:` section of the config file. */
export interface DispatchFileSettings {
  coalesceMs?: number | string;
  maxInFlight?: number | string;
}

/**
 * The dispatcher's pacing from `CCP_DISPATCH_COALESCE_MS` / `CCP_DISPATCH_MAX_BUILDS` or the
 * `dispatch:` section; a bad value adds an issue naming the field.
 * @see ../../README.md#configuration
 */
export function loadDispatchSettings(
  file: DispatchFileSettings | undefined,
  env: NodeJS.ProcessEnv,
  where: { file?: string },
  issues: Issue[],
): DispatchSettings {
  const source = { env, file: { dispatch: file }, where, issues };
  return { coalesceMs: read(PIPELINE.coalesceMs, source), maxInFlight: read(PIPELINE.maxInFlight, source) };
}

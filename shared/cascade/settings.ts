import type { Issue } from '../errors/validation-error';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from './types';

export const DISPATCH_ENV = {
  coalesceMs: 'CCP_DISPATCH_COALESCE_MS',
  maxInFlight: 'CCP_DISPATCH_MAX_BUILDS',
} as const;

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
export function loadDispatchSettings(file: DispatchFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): DispatchSettings {
  const read = (key: keyof DispatchSettings, min: number): number => {
    const raw = env[DISPATCH_ENV[key]] ?? file?.[key];
    if (raw === undefined || raw === '') return DEFAULT_DISPATCH_SETTINGS[key];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      issues.push({ ...where, field: `dispatch.${key}`, message: `must be a whole number, ${min} or more (${DISPATCH_ENV[key]})` });
      return DEFAULT_DISPATCH_SETTINGS[key];
    }
    return value;
  };
  return { coalesceMs: read('coalesceMs', 0), maxInFlight: read('maxInFlight', 1) };
}

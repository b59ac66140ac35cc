import type { Issue } from '../errors/validation-error';
import type { SandboxSettings } from './types';

export const SANDBOX_ENV = {
  network: 'CCP_PREBUILD_NETWORK',
  maxOutputBytes: 'CCP_PREBUILD_MAX_OUTPUT',
} as const;

export const SANDBOX_DEFAULTS: SandboxSettings = { network: true, maxOutputBytes: 8 * 1024 ** 2 };

/** The file's `prebuild:` mapping. */
export interface SandboxFileSettings {
  network?: boolean | string;
  maxOutputBytes?: number | string;
}

const SIZE = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/**
 * The prebuild sandbox settings: `CCP_PREBUILD_NETWORK` (`on`/`off`, `true`/`false`) beats
 * `prebuild.network`, `CCP_PREBUILD_MAX_OUTPUT` (bytes, or a number with kb/mb/gb) beats
 * `prebuild.maxOutputBytes`; defaults: network on, 8 MiB. Bad values go to `issues`.
 * @see ../builders/readme.md
 */
export function loadSandboxSettings(file: SandboxFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): SandboxSettings {
  const settings = { ...SANDBOX_DEFAULTS };
  const network = env[SANDBOX_ENV.network] || file?.network;
  if (network !== undefined) {
    const parsed = parseSwitch(network);
    if (parsed === null) issues.push({ ...where, field: 'prebuild.network', message: `must be on or off, not "${String(network)}" (${SANDBOX_ENV.network})` });
    else settings.network = parsed;
  }
  const limit = env[SANDBOX_ENV.maxOutputBytes] || file?.maxOutputBytes;
  if (limit !== undefined) {
    const parsed = parseSize(limit);
    if (parsed === null) issues.push({ ...where, field: 'prebuild.maxOutputBytes', message: `"${String(limit)}" is not a size (bytes, or a number with kb, mb or gb) (${SANDBOX_ENV.maxOutputBytes})` });
    else settings.maxOutputBytes = parsed;
  }
  return settings;
}

function parseSwitch(value: boolean | string): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = value.trim().toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(text)) return true;
  if (['off', 'false', 'no', '0'].includes(text)) return false;
  return null;
}

function parseSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  const match = SIZE.exec(String(value).trim());
  if (!match) return null;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return bytes > 0 ? bytes : null;
}

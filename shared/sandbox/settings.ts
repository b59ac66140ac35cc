import type { Issue } from '../errors/validation-error';
import type { SandboxNetwork, SandboxSettings } from './types';

export const SANDBOX_ENV = {
  network: 'CCP_PREBUILD_NETWORK',
  maxOutputBytes: 'CCP_PREBUILD_MAX_OUTPUT',
} as const;

export const SANDBOX_DEFAULTS: SandboxSettings = { network: 'isolated', maxOutputBytes: 8 * 1024 ** 2 };

/** The file's `prebuild:` mapping. */
export interface SandboxFileSettings {
  network?: boolean | string;
  maxOutputBytes?: number | string;
}

const SIZE = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/**
 * The prebuild sandbox settings: `CCP_PREBUILD_NETWORK` (`off`, `isolated` or `host`; `on`,
 * `true`, `yes`, `1` are `isolated`, as `on` was before there was a choice, and `false`, `no`,
 * `0` are `off`) beats `prebuild.network`, `CCP_PREBUILD_MAX_OUTPUT` (bytes, or a number with
 * kb/mb/gb) beats `prebuild.maxOutputBytes`; defaults: `isolated`, 8 MiB. Bad values go to
 * `issues`. Only the word `host` shares the host's network: nothing else widens to it.
 * @see ../builders/readme.md
 */
export function loadSandboxSettings(file: SandboxFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): SandboxSettings {
  const settings = { ...SANDBOX_DEFAULTS };
  const network = env[SANDBOX_ENV.network] || file?.network;
  if (network !== undefined) {
    const parsed = parseNetwork(network);
    if (parsed === null) issues.push({ ...where, field: 'prebuild.network', message: `must be off, isolated or host, not "${String(network)}" (${SANDBOX_ENV.network})` });
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

function parseNetwork(value: boolean | string): SandboxNetwork | null {
  if (typeof value === 'boolean') return value ? 'isolated' : 'off';
  const text = value.trim().toLowerCase();
  if (['isolated', 'on', 'true', 'yes', '1'].includes(text)) return 'isolated';
  if (['off', 'false', 'no', '0'].includes(text)) return 'off';
  if (text === 'host') return 'host';
  return null;
}

function parseSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  const match = SIZE.exec(String(value).trim());
  if (!match) return null;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return bytes > 0 ? bytes : null;
}

import type { Issue } from '../errors/validation-error';
import { DEFAULT_LIMITS, type SandboxLimits } from './resource-limits';
import type { SandboxNetwork, SandboxSettings } from './types';

export const SANDBOX_ENV = {
  network: 'CCP_PREBUILD_NETWORK',
  maxOutputBytes: 'CCP_PREBUILD_MAX_OUTPUT',
  maxProcesses: 'CCP_PREBUILD_MAX_PROCESSES',
  memory: 'CCP_PREBUILD_MEMORY',
  maxFileSize: 'CCP_PREBUILD_MAX_FILE_SIZE',
  maxOpenFiles: 'CCP_PREBUILD_MAX_OPEN_FILES',
  cpuSeconds: 'CCP_PREBUILD_CPU_SECONDS',
} as const;

export const SANDBOX_DEFAULTS: SandboxSettings = { network: 'isolated', maxOutputBytes: 8 * 1024 ** 2, limits: DEFAULT_LIMITS };

/** The file's `prebuild:` mapping. */
export interface SandboxFileSettings {
  network?: boolean | string;
  maxOutputBytes?: number | string;
  maxProcesses?: number | string;
  memory?: number | string;
  maxFileSize?: number | string;
  maxOpenFiles?: number | string;
  cpuSeconds?: number | string;
}

/** The limit settings: file key, the field of `SandboxLimits`, and whether it is a size (kb, mb, gb) or a count. */
const LIMIT_FIELDS = [
  ['maxProcesses', 'maxProcesses', 'count'],
  ['memory', 'memoryBytes', 'size'],
  ['maxFileSize', 'maxFileBytes', 'size'],
  ['maxOpenFiles', 'maxOpenFiles', 'count'],
  ['cpuSeconds', 'cpuSeconds', 'count'],
] as const satisfies readonly (readonly [keyof SandboxFileSettings & keyof typeof SANDBOX_ENV, keyof SandboxLimits, 'count' | 'size'])[];

const SIZE = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/**
 * The prebuild sandbox settings: `CCP_PREBUILD_NETWORK` (`off`, `isolated` or `host`; `on`,
 * `true`, `yes`, `1` are `isolated`, as `on` was before there was a choice, and `false`, `no`,
 * `0` are `off`) beats `prebuild.network`, `CCP_PREBUILD_MAX_OUTPUT` (bytes, or a number with
 * kb/mb/gb) beats `prebuild.maxOutputBytes`; defaults: `isolated`, 8 MiB. The resource limits
 * (`resource-limits.ts`) likewise: `CCP_PREBUILD_MAX_PROCESSES` (256), `CCP_PREBUILD_MEMORY`
 * (2 GiB), `CCP_PREBUILD_MAX_FILE_SIZE` (2 GiB), `CCP_PREBUILD_MAX_OPEN_FILES` (1024),
 * `CCP_PREBUILD_CPU_SECONDS` (3600) beat `prebuild.maxProcesses`, `memory`, `maxFileSize`,
 * `maxOpenFiles`, `cpuSeconds`. Bad values go to `issues`. Only the word `host` shares the host's network: nothing else widens to it.
 * @see ../../functions/build/builders/readme.md
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
  settings.limits = { ...DEFAULT_LIMITS };
  for (const [key, field, kind] of LIMIT_FIELDS) {
    const value = env[SANDBOX_ENV[key]] || file?.[key];
    if (value === undefined) continue;
    const parsed = kind === 'size' ? parseSize(value) : parseCount(value);
    if (parsed === null) issues.push({ ...where, field: `prebuild.${key}`, message: `"${String(value)}" is not ${kind === 'size' ? 'a size (bytes, or a number with kb, mb or gb)' : 'a positive whole number'} (${SANDBOX_ENV[key]})` });
    else settings.limits[field] = parsed;
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

function parseCount(value: number | string): number | null {
  const parsed = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : null;
}

function parseSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  const match = SIZE.exec(String(value).trim());
  if (!match) return null;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return bytes > 0 ? bytes : null;
}

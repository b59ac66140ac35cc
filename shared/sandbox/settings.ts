import type { Issue } from '../errors/validation-error';
import { BUILD, read } from '../config/settings';
import { DEFAULT_LIMITS } from './resource-limits';
import type { SandboxSettings } from './types';

export const SANDBOX_ENV = {
  network: BUILD.prebuildNetwork.env!,
  maxOutputBytes: BUILD.prebuildMaxOutput.env!,
  maxProcesses: BUILD.prebuildMaxProcesses.env!,
  memory: BUILD.prebuildMemory.env!,
  maxFileSize: BUILD.prebuildMaxFileSize.env!,
  maxOpenFiles: BUILD.prebuildMaxOpenFiles.env!,
  cpuSeconds: BUILD.prebuildCpuSeconds.env!,
};

/** The declared defaults (shared/config/settings/build.ts). */
export const SANDBOX_DEFAULTS: SandboxSettings = {
  network: BUILD.prebuildNetwork.default,
  maxOutputBytes: BUILD.prebuildMaxOutput.default,
  limits: DEFAULT_LIMITS,
};

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
  const source = { env, file: { prebuild: file }, where, issues };
  return {
    network: read(BUILD.prebuildNetwork, source),
    maxOutputBytes: read(BUILD.prebuildMaxOutput, source),
    limits: {
      maxProcesses: read(BUILD.prebuildMaxProcesses, source),
      memoryBytes: read(BUILD.prebuildMemory, source),
      maxFileBytes: read(BUILD.prebuildMaxFileSize, source),
      maxOpenFiles: read(BUILD.prebuildMaxOpenFiles, source),
      cpuSeconds: read(BUILD.prebuildCpuSeconds, source),
    },
  };
}

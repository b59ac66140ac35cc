import type { Logger } from '../log/logger';
import type { LimitHit, SandboxLimits } from './resource-limits';

/**
 * The script's network (`CCP_PREBUILD_NETWORK`): `off`, a namespace with only its own loopback;
 * `isolated` (default: prebuilds download), a namespace of its own whose traffic slirp4netns
 * carries to the outside, never to the host's loopback; `host`, the host's own network stack,
 * every service on the host's 127.0.0.1 included (a widening the operator must ask for).
 */
export type SandboxNetwork = 'off' | 'isolated' | 'host';

/** How untrusted steps of the local backend (prebuild scripts) are confined; `prebuild:` in the config file. */
export interface SandboxSettings {
  /** The script's network (`CCP_PREBUILD_NETWORK`, default `isolated`). */
  network: SandboxNetwork;
  /** Output past this many bytes stops the script and fails the step (`CCP_PREBUILD_MAX_OUTPUT`, default 8 MiB). */
  maxOutputBytes: number;
  /** Processes, memory, file size, open files, CPU time (`CCP_PREBUILD_MAX_PROCESSES`…, `resource-limits.ts`). */
  limits: SandboxLimits;
}

/** One untrusted command to run confined to its own folder. */
export interface SandboxRequest {
  /** Host folder the command may read and write (the checkout); everything else of the host is absent or read-only. */
  workDir: string;
  /** Where `workDir` appears inside the sandbox. */
  insideWorkDir: string;
  /** Working directory inside the sandbox (at or under `insideWorkDir`). */
  cwd: string;
  /** Command and arguments, as paths inside the sandbox. */
  command: string;
  args: readonly string[];
  /** Variables added to the sandbox's own (`PATH`, `HOME`, `LANG`, `LC_ALL`, `TZ`); nothing else of the host's environment. */
  env: Record<string, string>;
  /** Host paths never shown, even when they lie under a system folder that is (the data dir, the store). */
  hide: readonly string[];
  network: SandboxNetwork;
  maxOutputBytes: number;
  /** Kills everything in the sandbox after this long; 0 is no limit. */
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  /** Where the sandbox's own helpers (slirp4netns) report; the ccp log, never the build log. */
  log?: Logger;
  /** What the command's process tree may use; default `DEFAULT_LIMITS`. */
  limits?: SandboxLimits;
}

/** How a sandboxed command ended. */
export interface SandboxResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** It printed more than `maxOutputBytes` and was stopped. */
  outputLimited: boolean;
  /** The resource limit it ran into (and was stopped or killed for), if any. */
  limit: LimitHit | null;
  tail: string[];
}

/** The sandbox cannot be set up on this host (no `bwrap`, namespaces refused): nothing ran. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

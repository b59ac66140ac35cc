export { bwrapArgs, findBwrap, runSandboxed, SANDBOX_HOME } from './bwrap';
export { loadSandboxSettings, SANDBOX_DEFAULTS, SANDBOX_ENV, type SandboxFileSettings } from './settings';
export { SandboxUnavailableError, type SandboxNetwork, type SandboxRequest, type SandboxResult, type SandboxSettings } from './types';
export { findSlirp, SANDBOX_DNS, SLIRP_OPTIONS } from './isolated-network';
export { PRIVATE_PIDS_OPTIONS, withPrivatePids } from './private-pids';

import { findBwrap } from './bwrap';
import { SandboxUnavailableError } from './types';

/**
 * `bwrap` options that give a trusted tool (buildah) its own PID and IPC namespaces, a fresh
 * `/proc` and a minimal `/dev`, and nothing else changed: the host's file system stays as it is
 * (`--dev-bind / /`), every capability is kept. What the tool starts (a Dockerfile's `RUN`
 * under chroot isolation, which buildah 1.28 leaves in the host's PID namespace whatever
 * `--pid` says) then cannot list, signal or read the environment of the pipeline's processes,
 * nor open the host's block devices. `--as-pid-1`: the tool itself is pid 1, not bwrap's reaper,
 * which runs without capabilities and whose `/proc/1/root` (the host's root) a `RUN` step,
 * having as many capabilities, could therefore read; the tool keeps all of them, so it cannot.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-build.1.md
 */
export const PRIVATE_PIDS_OPTIONS = [
  '--dev-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--unshare-pid',
  '--unshare-ipc',
  '--die-with-parent',
  '--cap-add',
  'ALL',
  '--as-pid-1',
] as const;

/**
 * The command and arguments that run `command args` in its own PID namespace through `bwrap`.
 * Throws {@link SandboxUnavailableError} without `bwrap`: the tool is never run without it.
 * @see https://github.com/containers/bubblewrap/blob/v0.8.0/bubblewrap.1.xml
 */
export function withPrivatePids(command: string, args: readonly string[], bwrap: string | null = findBwrap()): [string, string[]] {
  if (!bwrap) throw new SandboxUnavailableError('bwrap (Debian package bubblewrap) is not installed');
  return [bwrap, [...PRIVATE_PIDS_OPTIONS, '--', command, ...args]];
}

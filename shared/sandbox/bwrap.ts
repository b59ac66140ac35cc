import type { ChildProcess } from 'node:child_process';
import { DEFAULT_PATH, minimalEnv } from '../process/minimal-env';
import { runCaptured, runProcess } from '../process/run-process';
import { createLogger, type Logger } from '../log/logger';
import { findTool } from '../process/find-tool';
import { DEFAULT_LIMITS, limitSandbox } from './resource-limits';
import { connectIsolatedNetwork, findSlirp, NETWORK_FDS, type IsolatedNetwork } from './isolated-network';
import { ALWAYS_HIDDEN, hiddenMounts, systemEntries, type SystemEntry } from './system-view';
import { SandboxUnavailableError, type SandboxNetwork, type SandboxRequest, type SandboxResult } from './types';

let defaultLog: Logger | null = null;
/** The ccp log (stderr, structured), for slirp4netns's words when the caller gave no logger. */
function sandboxLog(): Logger {
  return (defaultLog ??= createLogger({ fields: { component: 'sandbox' } }));
}

/** The script's HOME, its own tmpfs; `/tmp` and `/dev/shm` are its own too. Sizes bound what it can put in memory. */
export const SANDBOX_HOME = '/build/home';
// 832 MiB together; the build's memory limit (its cgroup) bounds what they hold too.
const TMP_BYTES = 512 * 1024 ** 2;
const HOME_BYTES = 256 * 1024 ** 2;
const SHM_BYTES = 64 * 1024 ** 2;

/**
 * The bubblewrap options for `request` (the command follows them after `--`): new user (uid 0 mapped to itself, no
 * capabilities, no further user namespaces), PID, IPC, UTS, cgroup and network namespaces (the
 * host's network only with `network: 'host'`; with `isolated`, bwrap reports the sandbox's pid on
 * fd 3, waits on fd 4 for slirp4netns, and takes `/etc/resolv.conf` from fd 5); a fresh `/proc` (only the sandbox's own
 * processes), a minimal `/dev`, the system read-only (`SYSTEM_DIRS`, the `/etc` allow-list),
 * the hidden paths covered, the work folder read-write at `insideWorkDir`, sized tmpfs for
 * `/tmp`, `/dev/shm` and HOME, the root read-only, and only the given environment (`--clearenv`).
 * @see https://github.com/containers/bubblewrap/blob/v0.8.0/bubblewrap.1.xml
 */
export function bwrapArgs(request: SandboxRequest, entries: readonly SystemEntry[] = systemEntries(), host: NodeJS.ProcessEnv = process.env): string[] {
  const args = ['--unshare-all', '--unshare-user', '--disable-userns', ...(request.network === 'host' ? ['--share-net'] : []), '--hostname', 'ccp-prebuild'];
  args.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  const isolated = request.network === 'isolated';
  if (isolated) args.push('--info-fd', String(NETWORK_FDS.info), '--block-fd', String(NETWORK_FDS.block));
  for (const entry of entries) {
    // The host's resolver may be on its loopback, out of reach: slirp4netns's forwarder answers instead.
    if (isolated && entry.dest === '/etc/resolv.conf') continue;
    if (entry.kind === 'symlink') args.push('--symlink', entry.target, entry.dest);
    else args.push('--ro-bind', entry.source, entry.dest);
  }
  for (const mount of hiddenMounts([...request.hide, ...ALWAYS_HIDDEN], entries)) {
    // Empty, tiny and read-only: a cover, not a place to fill memory.
    if (mount.dir) args.push('--size', '4096', '--tmpfs', mount.dest, '--remount-ro', mount.dest);
    else args.push('--ro-bind', '/dev/null', mount.dest);
  }
  if (isolated) args.push('--ro-bind-data', String(NETWORK_FDS.resolvConf), '/etc/resolv.conf');
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(SHM_BYTES), '--tmpfs', '/dev/shm');
  args.push('--size', String(TMP_BYTES), '--tmpfs', '/tmp', '--symlink', '../tmp', '/var/tmp');
  args.push('--bind', request.workDir, request.insideWorkDir, '--size', String(HOME_BYTES), '--tmpfs', SANDBOX_HOME);
  args.push('--remount-ro', '/', '--chdir', request.cwd, '--clearenv');
  const env = { ...minimalEnv(SANDBOX_HOME, {}, host), PATH: DEFAULT_PATH, ...request.env };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) args.push('--setenv', name, value);
  return args;
}

/**
 * Runs `request` in a bubblewrap sandbox (see {@link bwrapArgs}). `bwrap` itself starts with an
 * empty environment and its arguments on stdin, so the sandbox's pid 1 carries nothing either. The whole tree is killed on
 * timeout, abort, or once the output passes `maxOutputBytes` (what came before the limit is
 * passed on, nothing after). With the `isolated` network, slirp4netns
 * (`isolated-network.ts`) carries the sandbox's traffic and is gone when this resolves (after a
 * timeout or abort too). Throws {@link SandboxUnavailableError} when there is no `bwrap`, no
 * `slirp4netns` for the isolated network, bwrap cannot make the namespaces or slirp4netns
 * cannot bring the network up: nothing is ever run unconfined, nor on the host's network
 * unless `network` is `host`.
 * @see ../../functions/build/builders/readme.md
 */
export async function runSandboxed(request: SandboxRequest, options: { bwrap?: string; slirp4netns?: string | null } = {}): Promise<SandboxResult> {
  const bwrap = options.bwrap ?? findBwrap();
  if (!bwrap) throw new SandboxUnavailableError('bwrap (Debian package bubblewrap) is not installed');
  // `slirp4netns: null` is a host without it.
  const slirp = request.network === 'isolated' ? (options.slirp4netns !== undefined ? options.slirp4netns : findSlirp()) : null;
  if (request.network === 'isolated' && !slirp) {
    throw new SandboxUnavailableError(
      "slirp4netns (Debian package slirp4netns) is not installed; the isolated network needs it (CCP_PREBUILD_NETWORK=off runs without a network, host shares the host's)",
    );
  }
  await probe(bwrap, request.network);
  const limiter = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, limiter.signal]) : limiter.signal;
  let seen = 0;
  let outputLimited = false;
  const onOutput = (text: string): void => {
    if (outputLimited) return;
    const bytes = Buffer.from(text, 'utf8');
    seen += bytes.length;
    if (seen <= request.maxOutputBytes) return request.onOutput?.(text);
    outputLimited = true;
    const room = request.maxOutputBytes - (seen - bytes.length);
    if (room > 0) request.onOutput?.(bytes.subarray(0, room).toString('utf8'));
    limiter.abort();
  };
  // The options go through stdin (`--args 0`), so the sandbox's pid 1 shows only `bwrap --args 0
  // -- <command>` as its command line, not the host path of the checkout; the script's stdin is
  // then at its end.
  const input = `${bwrapArgs(request).join('\0')}\0`;
  let network: IsolatedNetwork | null = null;
  const onSpawn = slirp
    ? (child: ChildProcess): void => void (network = connectIsolatedNetwork(child, slirp, request.log ?? sandboxLog(), () => limiter.abort()))
    : undefined;
  // A cgroup and rlimits around it (`resource-limits.ts`): a limit hit stops the tree as too much output does.
  const limited = await limitSandbox(
    request.limits ?? DEFAULT_LIMITS,
    bwrap,
    ['--args', '0', '--'],
    [request.command, ...request.args],
    request.log ?? sandboxLog(),
    () => limiter.abort(),
  );
  if (!limited) throw new SandboxUnavailableError("prlimit (Debian package util-linux) is not installed; the sandbox's resource limits need it");
  const result = await runProcess(limited.command, limited.args, {
    env: {},
    timeoutMs: request.timeoutMs,
    signal,
    onOutput,
    input,
    ...(onSpawn ? { onSpawn, extraPipes: 3 } : {}),
  });
  const limit = await limited.finish(result.exitCode, result.signal);
  const networkFailure = await (network as IsolatedNetwork | null)?.stop();
  if (result.spawnError) throw new SandboxUnavailableError(`bwrap could not start: ${result.spawnError}`);
  if (networkFailure && !result.timedOut && !request.signal?.aborted) throw new SandboxUnavailableError(`no isolated network: ${networkFailure}`);
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    aborted: result.aborted && (request.signal?.aborted ?? false),
    outputLimited,
    limit,
    tail: result.tail,
  };
}

/** `bwrap` on the PATH (or the usual system folders), looked up once per process. */
export function findBwrap(searchPath?: string): string | null {
  return findTool('bwrap', searchPath);
}

const probes = new Map<string, Promise<string | null>>();

/**
 * Starts an empty sandbox once per bwrap and network mode, so that a host refusing the
 * namespaces (no user namespaces, a seccomp profile) fails with bwrap's own words instead of
 * looking like the script's exit code 1.
 */
async function probe(bwrap: string, wanted: SandboxNetwork): Promise<void> {
  // The isolated network's namespaces are those of `off`; its fds are not there for a probe.
  const network = wanted === 'host' ? 'host' : 'off';
  const key = `${bwrap}\0${network}`;
  if (!probes.has(key)) {
    const args = bwrapArgs(
      { workDir: '/', insideWorkDir: '/build/src', cwd: '/', command: 'true', args: [], env: {}, hide: [], network, maxOutputBytes: 0, timeoutMs: 0 },
      systemEntries(),
      {},
    );
    // The probe binds nothing writable of the host: the root is shown read-only instead of a checkout.
    const readOnly = args.map((arg, i) => (arg === '--bind' && args[i + 1] === '/' ? '--ro-bind' : arg));
    const failure = runCaptured(bwrap, [...readOnly, '--', 'true'], { env: {}, timeoutMs: 10_000, maxBytes: 64 * 1024 }).then((result) =>
      result.exitCode === 0
        ? null
        : ((result.stderr.toString('utf8') || result.spawnError || `exit ${String(result.exitCode ?? result.signal)}`).trim().split('\n')[0] ?? 'failed'),
    );
    probes.set(key, failure);
  }
  const failure = await probes.get(key);
  if (failure) throw new SandboxUnavailableError(`bwrap cannot make the sandbox here: ${failure}`);
}

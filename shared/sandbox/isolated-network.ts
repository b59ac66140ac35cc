import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log/logger';
import { findTool } from '../process/find-tool';

/** slirp4netns's DNS forwarder inside the sandbox (the third address of its 10.0.2.0/24). */
export const SANDBOX_DNS = '10.0.2.3';

/** The sandbox's `/etc/resolv.conf` with the isolated network: the host's may name a resolver on its loopback. */
export const SANDBOX_RESOLV_CONF = `nameserver ${SANDBOX_DNS}\n`;

/**
 * How slirp4netns carries the sandbox's traffic: `tap0` configured (10.0.2.100, default route via
 * 10.0.2.2), the loopback-sized MTU (fewer, larger segments through user space), and
 * `--disable-host-loopback`, without which 10.0.2.2 is the host's 127.0.0.1. It runs as the
 * pipeline's user and reads packets an attacker writes, so it drops its capabilities in a
 * mount namespace of its own (`--enable-sandbox`) and filters its system calls (`--enable-seccomp`).
 * @see https://github.com/rootless-containers/slirp4netns/blob/v1.2.0/slirp4netns.1.md
 */
export const SLIRP_OPTIONS = ['--configure', '--mtu', '65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp'] as const;

/** bwrap's fds for the isolated network: it writes the sandbox's pid on 3, waits on 4, reads resolv.conf from 5. */
export const NETWORK_FDS = { info: 3, block: 4, resolvConf: 5 } as const;

/** slirp4netns has this long to bring the tap device up. */
const READY_MS = 10_000;
/** After SIGTERM, this long before SIGKILL. */
const STOP_MS = 2_000;
const KEPT_LINES = 20;

/** `slirp4netns` on the PATH (or the usual system folders), looked up once per process. */
export function findSlirp(searchPath?: string): string | null {
  return findTool('slirp4netns', searchPath);
}

/** A sandbox's network helper, started once bwrap has made the sandbox's namespaces. */
export interface IsolatedNetwork {
  /** Ends slirp4netns and resolves once it is gone; with why the network failed, if it did (`null`: it came up). */
  stop(): Promise<string | null>;
}

/**
 * Gives the sandbox `bwrap` is starting (`--info-fd 3 --block-fd 4 --ro-bind-data 5
 * /etc/resolv.conf`) its network: writes the resolv.conf, reads the sandbox's pid from bwrap's
 * info, starts slirp4netns on that pid's network namespace (by path, so it does not join the
 * sandbox's user namespace, whose nested `--disable-userns` namespace owns nothing) once bwrap has
 * given the loopback its address, and only once slirp4netns says the tap device is up lets bwrap
 * run the command. If slirp4netns fails or is not ready in time, `fail` is called (the caller kills the sandbox: the command never runs
 * without the network it was promised, nor with another). slirp4netns's output goes to `log`.
 * @see https://github.com/containers/bubblewrap/blob/v0.8.0/bubblewrap.1.xml
 */
export function connectIsolatedNetwork(bwrap: ChildProcess, slirp: string, log: Logger, fail: (reason: string) => void): IsolatedNetwork {
  // Node types `stdio` as a five-entry tuple; the pipes past stdio are duplex sockets.
  const fds = bwrap.stdio as readonly unknown[];
  const info = fds[NETWORK_FDS.info] as Readable;
  const block = fds[NETWORK_FDS.block] as Writable;
  const resolvConf = fds[NETWORK_FDS.resolvConf] as Writable;
  for (const stream of [info, block, resolvConf]) stream.on('error', () => undefined);
  resolvConf.end(SANDBOX_RESOLV_CONF);
  let failure: string | null = null;
  let helper: ChildProcess | null = null;
  let helperGone: Promise<void> = Promise.resolve();
  const lines: string[] = [];
  const failWith = (reason: string): void => {
    if (failure !== null) return;
    failure = reason;
    log.warn('sandbox network failed', { reason, slirp4netns: lines });
    fail(reason);
  };
  let text = '';
  const onInfo = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    const pid = /"child-pid"\s*:\s*(\d+)/.exec(text)?.[1];
    if (pid === undefined || helper) return;
    info.off('data', onInfo);
    void loopbackAddressed(Number(pid)).then((state) => {
      // Gone: bwrap failed on its own, and says why in its output and exit code.
      if (failure !== null || state === 'gone') return;
      if (state === 'late') return failWith(`bwrap did not set up the sandbox's loopback within ${READY_MS / 1000} s`);
      startNetwork(Number(pid));
    });
  };
  const startNetwork = (pid: number): void => {
    helper = startHelper(slirp, pid, lines, log);
    // A helper that never started (ENOENT) has no 'close' to wait for: its 'error' ends it.
    helperGone = new Promise((resolve) => {
      helper!.once('close', () => resolve());
      helper!.once('error', () => resolve());
    });
    const timer = setTimeout(() => failWith(`slirp4netns did not bring the network up within ${READY_MS / 1000} s`), READY_MS);
    (helper.stdio[3] as Readable).once('data', () => {
      clearTimeout(timer);
      if (failure === null) block.end('1');
    });
    helper.once('exit', (code, signal) => {
      clearTimeout(timer);
      failWith(`slirp4netns ended (${code === null ? signal : `exit ${code}`}): ${lines.at(-1) ?? 'no output'}`);
    });
    helper.once('error', (error) => {
      clearTimeout(timer);
      failWith(`slirp4netns could not start: ${error.message}`);
    });
  };
  info.on('data', onInfo);
  return {
    async stop() {
      info.off('data', onInfo);
      // Its exit from here on is ours, not a failure.
      if (failure === null) failure = '';
      for (const stream of [info, block, resolvConf]) stream.destroy();
      const running = helper as ChildProcess | null;
      if (running && running.exitCode === null && running.signalCode === null) {
        running.kill('SIGTERM');
        const hard = setTimeout(() => running.kill('SIGKILL'), STOP_MS);
        await helperGone;
        clearTimeout(hard);
      }
      return failure || null;
    },
  };
}

/**
 * slirp4netns on `pid`'s network namespace: an empty environment (it holds no secret), fd 3 for
 * "ready", fd 4 its exit fd (when ccp dies, the pipe closes and slirp4netns ends with it).
 */
function startHelper(slirp: string, pid: number, lines: string[], log: Logger): ChildProcess {
  const args = [...SLIRP_OPTIONS, '--ready-fd', '3', '--exit-fd', '4', '--netns-type=path', `/proc/${pid}/ns/net`, 'tap0'];
  const helper = spawn(slirp, args, { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
  let partial = '';
  const onOutput = (chunk: Buffer): void => {
    const split = (partial + chunk.toString('utf8')).split('\n');
    partial = (split.pop() ?? '').slice(0, 1000);
    for (const line of split.filter(Boolean)) {
      lines.push(line.slice(0, 1000));
      if (lines.length > KEPT_LINES) lines.shift();
      log.debug('slirp4netns', { pid: helper.pid, line: line.slice(0, 1000) });
    }
  };
  helper.stdout?.on('data', onOutput);
  helper.stderr?.on('data', onOutput);
  for (const stream of helper.stdio.slice(3)) stream?.on('error', () => undefined);
  return helper;
}

/**
 * Whether `pid`'s network namespace has a route of its own yet (or `pid` is gone), polled until `READY_MS`:
 * bwrap adds 127.0.0.1 to the sandbox's loopback (which makes its local route) before it
 * brings the loopback up, and refuses to go on when the address is already there. slirp4netns
 * brings the loopback up too, which gives it 127.0.0.1 at once: started earlier, it made bwrap
 * fail about one run in twenty ("loopback: Failed RTM_NEWADDR").
 * @see https://github.com/containers/bubblewrap/blob/v0.8.0/network.c
 */
async function loopbackAddressed(pid: number): Promise<'addressed' | 'gone' | 'late'> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    const routes = await readFile(`/proc/${pid}/net/fib_trie`, 'utf8').catch(() => null);
    if (routes === null) return 'gone';
    if (routes.includes('127.0.0.1')) return 'addressed';
    await sleep(1);
  }
  return 'late';
}

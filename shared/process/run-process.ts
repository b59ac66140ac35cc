import { spawn, type ChildProcess } from 'node:child_process';
import { killTree } from './kill-tree';

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the child: nothing of ours leaks in unless listed here. */
  env: NodeJS.ProcessEnv;
  /** Kills the child's whole process tree after this long; 0 or absent is no limit. */
  timeoutMs?: number;
  /** Kills the child's whole process tree when aborted. */
  signal?: AbortSignal;
  /** Receives stdout and stderr as they come, interleaved, as text. */
  onOutput?: (text: string) => void;
  /** Bytes written to the child's stdin, which is closed afterwards. */
  input?: string | Buffer;
  /**
   * Keep stdout and stderr apart, as bytes, in the result, up to this many bytes together; past
   * it the tree is killed and `truncated` set (a tool's output must not fill the memory).
   */
  captureMaxBytes?: number;
  /**
   * Pipes the child gets beyond stdio, as fds 3, 4…, for tools that talk over more than that
   * (bwrap's `--info-fd` and `--block-fd`); `onSpawn` reaches them as `child.stdio[3…]`.
   */
  extraPipes?: number;
  /** Called with the child as soon as it is spawned, before any of its output. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface RunResult {
  /** Exit code; `null` when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** The last lines of its output, for a failure reason. */
  tail: string[];
  /** Spawning failed (e.g. ENOENT): the message, with no exit code. */
  spawnError?: string;
  /** With `captureMaxBytes`: what it printed on each stream, and whether the bound cut it. */
  stdout?: Buffer;
  stderr?: Buffer;
  truncated?: boolean;
}

const TAIL_LINES = 40;

/**
 * Runs a command in its own process group, streams its output, and on timeout or abort kills
 * every process it started (the group and any descendant that left it, as `buildah` does with
 * its chroot children), so an untrusted script cannot outlive its build. Never rejects.
 * @see https://nodejs.org/api/child_process.html#optionsdetached
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    let partial = '';
    const remember = (text: string): void => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    };
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let truncated = false;
    const captured: { stdout: Buffer[]; stderr: Buffer[]; bytes: number } = { stdout: [], stderr: [], bytes: 0 };
    const capture = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      if (options.captureMaxBytes === undefined || truncated) return;
      const room = options.captureMaxBytes - captured.bytes;
      captured[stream].push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      captured.bytes += Math.min(chunk.length, room);
      if (chunk.length > room) {
        truncated = true;
        stop();
      }
    };
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...Array<'pipe'>(options.extraPipes ?? 0).fill('pipe')],
    });
    options.onSpawn?.(child);
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
      capture(stream, chunk);
      // Captured output (maybe binary, maybe megabytes) is read by the caller: no lines to keep.
      if (options.captureMaxBytes !== undefined && !options.onOutput) return;
      const text = chunk.toString('utf8');
      remember(text);
      options.onOutput?.(text);
    };
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));
    if (options.input !== undefined) {
      // A tool that exits before reading its input closes the pipe: not its caller's failure.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }

    function stop(): void {
      if (child.pid !== undefined) killTree(child.pid);
    }
    const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), options.timeoutMs) : null;
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (result: Omit<RunResult, 'tail' | 'timedOut' | 'aborted'>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (partial) tail.push(partial);
      const streams = options.captureMaxBytes === undefined ? {} : { stdout: Buffer.concat(captured.stdout), stderr: Buffer.concat(captured.stderr), truncated };
      resolve({ ...result, timedOut, aborted, tail: tail.slice(-TAIL_LINES), ...streams });
    };
    child.once('error', (error) => finish({ exitCode: null, signal: null, spawnError: error.message }));
    child.once('exit', (exitCode, signal) => {
      // What it left running in the background dies with it; their open pipes would keep
      // 'close' from ever coming.
      if (child.pid !== undefined) killTree(child.pid);
      child.once('close', () => finish({ exitCode, signal }));
      setTimeout(() => finish({ exitCode, signal }), 2000).unref();
    });
  });
}

export interface CaptureOptions {
  cwd?: string;
  /** The whole environment of the child. */
  env: NodeJS.ProcessEnv;
  /** Kills the tree after this long (0: no limit). */
  timeoutMs?: number;
  signal?: AbortSignal;
  input?: string | Buffer;
  /** Bound of stdout and stderr together; 64 MiB by default. */
  maxBytes?: number;
}

/**
 * {@link runProcess} for tools whose output is parsed (git, rpm, shellcheck): stdout and stderr
 * kept apart as bytes, bounded, with the same time limit, abort and tree kill. The one process
 * runner of the service: builders, scanners, git and the lint use it. Never rejects.
 * @see https://nodejs.org/api/child_process.html#optionsdetached
 */
export async function runCaptured(command: string, args: readonly string[], options: CaptureOptions): Promise<RunResult & { stdout: Buffer; stderr: Buffer; truncated: boolean }> {
  const result = await runProcess(command, args, {
    cwd: options.cwd,
    env: options.env,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    captureMaxBytes: options.maxBytes ?? 64 * 1024 * 1024,
  });
  return { ...result, stdout: result.stdout ?? Buffer.alloc(0), stderr: result.stderr ?? Buffer.alloc(0), truncated: result.truncated ?? false };
}

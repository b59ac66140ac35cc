import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
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
    const onData =
      (stream: 'stdout' | 'stderr') =>
      (chunk: Buffer): void => {
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
      const streams =
        options.captureMaxBytes === undefined ? {} : { stdout: Buffer.concat(captured.stdout), stderr: Buffer.concat(captured.stderr), truncated };
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
export async function runCaptured(
  command: string,
  args: readonly string[],
  options: CaptureOptions,
): Promise<RunResult & { stdout: Buffer; stderr: Buffer; truncated: boolean }> {
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

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A host tool could not be started (not installed), was killed, ran out of time or printed too much. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export interface CommandOptions {
  cwd?: string;
  /** The whole environment of the child; ours by default. */
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** The caller's signal: aborting it kills the tool and all it started. */
  signal?: AbortSignal;
  /** 10 min by default. */
  timeoutMs?: number;
  /** Bound of stdout and stderr together; 256 MiB by default (`rpm -qa` of a large image is tens of MB). */
  maxBytes?: number;
}

/**
 * {@link runCaptured} for host tools whose output is text (rpm, buildah, perl): a non-zero exit
 * is returned, not thrown (`rpm -Va` exits 1 when something differs); a tool that cannot
 * start, dies from a signal, runs out of time, is aborted or prints past the bound throws a
 * {@link CommandError}.
 * @see https://nodejs.org/api/child_process.html#optionsdetached
 */
export async function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const result = await runCaptured(command, args, {
    env: options.env ?? process.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    maxBytes,
  });
  const stderr = result.stderr.toString('utf8');
  const line = [command, ...args].join(' ');
  if (result.spawnError) throw new CommandError(`${command}: ${result.spawnError}`);
  if (result.truncated) throw new CommandError(`${line} printed more than ${maxBytes} bytes; stopped`);
  if (result.timedOut) throw new CommandError(`${line} ran out of time; stopped with what it started`);
  if (result.aborted) throw new CommandError(`${line} was stopped: the work it was for was aborted`);
  if (result.exitCode === null) throw new CommandError(`${line} was killed by ${result.signal}: ${stderr.trim()}`);
  return { code: result.exitCode, stdout: result.stdout.toString('utf8'), stderr };
}

export interface FilterOptions {
  /** The whole environment of the child; ours by default. */
  env?: NodeJS.ProcessEnv;
  /** The error the stream fails with when the tool cannot start (not installed). */
  spawnError: (message: string) => Error;
  /** The error the stream fails with when the tool exits non-zero; `stderr` is what it said. */
  failure: (exitCode: number | null, stderr: string) => Error;
}

/**
 * The streaming mode of the runner, for tools that filter more bytes than memory should hold
 * (`xz -dc`, `zstd -dc` of layers and repo metadata): what is written to the stream goes to
 * the tool's stdin, its stdout is what the stream reads. A tool that cannot start or fails
 * destroys the stream with the caller's error; a stream destroyed early kills the tool.
 * @see https://nodejs.org/api/stream.html#streamduplexfromsrc
 */
export function filterProcess(command: string, args: readonly string[], options: FilterOptions): Duplex {
  // Its own process group, as runProcess does: killing the group reaches a child it is forking right then.
  const child = spawn(command, [...args], { env: options.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // The read side ends only once the exit code is known: a tool that fails half-way must fail
  // the stream, not end it with half the bytes.
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  const duplex = Duplex.from({ writable: child.stdin, readable: output });
  child.once('error', (error) => duplex.destroy(options.spawnError(error.message)));
  child.once('close', (code) => {
    if (code === 0) output.end();
    else duplex.destroy(options.failure(code, Buffer.concat(stderr).toString().trim()));
  });
  duplex.once('close', () => {
    // Destroyed before the tool finished: nothing will read it, and what it started dies with it.
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) killTree(child.pid);
  });
  return duplex;
}

import { spawn } from 'node:child_process';
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
  input?: string;
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
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      remember(text);
      options.onOutput?.(text);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    if (options.input !== undefined) child.stdin?.end(options.input);

    const stop = (): void => {
      if (child.pid !== undefined) killTree(child.pid);
    };
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
      resolve({ ...result, timedOut, aborted, tail: tail.slice(-TAIL_LINES) });
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

import { runCaptured } from '../process/run-process';

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
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** The scan's signal: an aborted scan (its time limit passed) kills the tool and all it started. */
  signal?: AbortSignal;
  /** 10 min by default. */
  timeoutMs?: number;
  /** Bound of stdout and stderr together; 256 MiB by default (`rpm -qa` of a large image is tens of MB). */
  maxBytes?: number;
}

/**
 * Runs a host tool (rpm, xz, zstd) without a shell and collects its output, through the
 * service's one process runner (time limit, abort, tree kill, output bound). A non-zero exit is
 * returned, not thrown: `rpm -Va` exits 1 when something differs. A tool that cannot start, dies
 * from a signal, runs out of time or prints past the bound throws.
 * @see ../process/run-process.ts
 */
export async function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  const result = await runCaptured(command, args, {
    env: options.env ?? process.env,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
  });
  const stderr = result.stderr.toString('utf8');
  if (result.spawnError) throw new CommandError(`${command}: ${result.spawnError}`);
  if (result.truncated) throw new CommandError(`${command} ${args.join(' ')} printed more than ${options.maxBytes ?? 256 * 1024 * 1024} bytes; stopped`);
  if (result.timedOut) throw new CommandError(`${command} ${args.join(' ')} ran out of time; stopped with what it started`);
  if (result.aborted) throw new CommandError(`${command} ${args.join(' ')} was stopped: the scan was aborted`);
  if (result.exitCode === null) throw new CommandError(`${command} ${args.join(' ')} was killed by ${result.signal}: ${stderr.trim()}`);
  return { code: result.exitCode, stdout: result.stdout.toString('utf8'), stderr };
}

import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A host tool could not be started (not installed) or was killed. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * Runs a host tool (rpm, xz, zstd) without a shell and collects its output. A non-zero exit is
 * returned, not thrown: `rpm -Va` exits 1 when something differs. Only a tool that cannot start
 * or dies from a signal throws.
 * @see https://nodejs.org/docs/latest-v20.x/api/child_process.html#child_processspawncommand-args-options
 */
export function runCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => reject(new CommandError(`${command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString();
      if (code === null) return reject(new CommandError(`${command} ${args.join(' ')} was killed by ${signal}: ${stderr.trim()}`));
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr });
    });
    if (child.stdin) {
      // a tool that exits before reading its input closes the pipe: not our failure
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

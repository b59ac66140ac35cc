import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { minimalEnv } from '../process/minimal-env';
import { runProcess } from '../process/run-process';
import { StepFailure } from './step-runner';

export interface PrebuildRun {
  /** The checkout's root. */
  checkoutDir: string;
  /** `prebuild-context` and `prebuild-context/prebuild-script` from `resolveProjectPaths`. */
  prebuildDir: string;
  prebuildScript: string;
  /** As the index names it, for the failure reason (`./prepare.sh`). */
  scriptName: string;
  home: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  write: (text: string) => void;
}

/**
 * Runs a project's prebuild script (untrusted code) inside its `prebuild-context`: the file
 * itself when it is executable and starts with `#!`, else through `/bin/sh`; with only an
 * allow-listed environment, `HOME` in the build's own folder, its output in the build log,
 * and its whole process tree killed on timeout or abort. What it writes stays in the checkout,
 * so it is part of the build context.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export async function runPrebuild(run: PrebuildRun): Promise<void> {
  const cwd = await insideCheckout(run.checkoutDir, run.prebuildDir, 'prebuild-context');
  const script = await insideCheckout(run.checkoutDir, run.prebuildScript, 'prebuild script');
  const info = await stat(script);
  if (!info.isFile()) throw new StepFailure(`prebuild script ${run.scriptName} is not a file`);
  const direct = (info.mode & 0o111) !== 0 && (await startsWithShebang(script));
  const [command, args] = direct ? [script, []] : ['/bin/sh', [script]];
  const result = await runProcess(command, args, {
    cwd,
    env: minimalEnv(run.home, run.env),
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    onOutput: run.write,
  });
  if (result.aborted) throw new StepFailure(`prebuild script ${run.scriptName} aborted`);
  if (result.timedOut) throw new StepFailure(`prebuild script ${run.scriptName} timed out after ${Math.round(run.timeoutMs / 100) / 10} s`);
  if (result.spawnError) throw new StepFailure(`prebuild script ${run.scriptName} could not start: ${result.spawnError}`);
  if (result.exitCode !== 0) {
    throw new StepFailure(`prebuild script ${run.scriptName} ${result.exitCode === null ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`}`);
  }
}

/** The real path of `relative` under the checkout; a missing path or a symlink that leads out fails the step. */
async function insideCheckout(checkoutDir: string, relative: string, what: string): Promise<string> {
  const root = await realpath(checkoutDir);
  let real: string;
  try {
    real = await realpath(path.join(root, relative));
  } catch {
    throw new StepFailure(`${what} ${relative} not found in the repository`);
  }
  if (real !== root && !real.startsWith(`${root}${path.sep}`)) throw new StepFailure(`${what} ${relative} leads out of the repository`);
  return real;
}

async function startsWithShebang(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}

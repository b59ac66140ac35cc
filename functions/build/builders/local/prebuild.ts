import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsTree, OutsideRepositoryError, resolveInside } from '../../../../shared/git/inside-checkout';
import { runSandboxed } from '../../../../shared/sandbox/bwrap';
import { SANDBOX_DEFAULTS } from '../../../../shared/sandbox/settings';
import { SandboxUnavailableError, type SandboxSettings } from '../../../../shared/sandbox/types';
import { StepFailure } from './step-runner';

/** Where the checkout appears inside the sandbox: no host path reaches the script. */
export const SANDBOX_CHECKOUT = '/build/src';

/** The prebuild sandbox of a backend: the configured settings and the host paths it must never show. */
export interface PrebuildSandbox extends SandboxSettings {
  /** The data dir, the store, the config file…: covered even when under a system folder. */
  hide: string[];
}

export interface PrebuildRun {
  /** The checkout's root. */
  checkoutDir: string;
  /** `prebuild-context` and `prebuild-context/prebuild-script` from `resolveProjectPaths`. */
  prebuildDir: string;
  prebuildScript: string;
  /** As the index names it, for the failure reason (`./prepare.sh`). */
  scriptName: string;
  /** Unused: HOME is the sandbox's own tmpfs now. Kept so callers need no change. */
  home?: string;
  /** Variables on top of the sandbox's own (`CCP_BUILD_ID`, `CCP_COMMIT`). */
  env: Record<string, string>;
  /** Network, output limit and hidden paths; defaults: network on, 8 MiB, nothing extra hidden. */
  sandbox?: Partial<PrebuildSandbox>;
  timeoutMs: number;
  signal: AbortSignal;
  write: (text: string) => void;
}

/**
 * Runs a project's prebuild script (untrusted code) inside its `prebuild-context`: the file
 * itself when it is executable and starts with `#!`, else through `/bin/sh`; in a bubblewrap
 * sandbox (`shared/sandbox`) that shows it the checkout (read-write, at `/build/src`) and a
 * read-only system and nothing else of the host: not the pipeline's processes, environment,
 * data dir or store. Only an allow-listed environment, `HOME` a tmpfs of its own, its output in
 * the build log up to the byte limit, and everything it started killed on timeout, abort or
 * too much output. What it writes stays in the checkout, so it is part of the build context.
 * Without a working `bwrap` the step fails: the script never runs unconfined.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export async function runPrebuild(run: PrebuildRun): Promise<void> {
  const cwd = await insideCheckout(run.checkoutDir, run.prebuildDir, 'prebuild-context', 'prebuild-context');
  const script = await insideCheckout(run.checkoutDir, run.prebuildScript, 'prebuild script', 'prebuild-script');
  const info = await stat(script);
  if (!info.isFile()) throw new StepFailure(`prebuild script ${run.scriptName} is not a file`);
  const direct = (info.mode & 0o111) !== 0 && (await startsWithShebang(script));
  const root = await realpath(run.checkoutDir);
  const inside = (real: string): string => path.posix.join(SANDBOX_CHECKOUT, path.relative(root, real).split(path.sep).join('/'));
  const [command, args] = direct ? [inside(script), []] : ['/bin/sh', [inside(script)]];
  const sandbox = { ...SANDBOX_DEFAULTS, hide: [], ...run.sandbox };
  let result;
  try {
    result = await runSandboxed({
      workDir: root,
      insideWorkDir: SANDBOX_CHECKOUT,
      cwd: inside(cwd),
      command,
      args,
      env: run.env,
      hide: sandbox.hide,
      network: sandbox.network,
      maxOutputBytes: sandbox.maxOutputBytes,
      limits: sandbox.limits,
      timeoutMs: run.timeoutMs,
      signal: run.signal,
      onOutput: run.write,
    });
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw new StepFailure(`prebuild script ${run.scriptName} not run: no sandbox: ${error.message}`);
    throw error;
  }
  if (result.limit)
    throw new StepFailure(`prebuild script ${run.scriptName} hit the ${result.limit.kind} limit (${result.limit.limit}, ${result.limit.setting})`);
  if (result.aborted) throw new StepFailure(`prebuild script ${run.scriptName} aborted`);
  if (result.timedOut) throw new StepFailure(`prebuild script ${run.scriptName} timed out after ${Math.round(run.timeoutMs / 100) / 10} s`);
  if (result.outputLimited)
    throw new StepFailure(`prebuild script ${run.scriptName} stopped: more than ${sandbox.maxOutputBytes} bytes of output (CCP_PREBUILD_MAX_OUTPUT)`);
  if (result.exitCode !== 0) {
    throw new StepFailure(
      `prebuild script ${run.scriptName} ${result.exitCode === null ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`}`,
    );
  }
}

/**
 * The real path of `relative` under the checkout, under the rule lint and build share
 * (`shared/git/inside-checkout.ts`): a missing path or a symlink that leads out fails the step.
 */
async function insideCheckout(checkoutDir: string, relative: string, what: string, field: string): Promise<string> {
  const root = await realpath(checkoutDir);
  let found;
  try {
    found = await resolveInside(fsTree(root), relative, field);
  } catch (error) {
    if (error instanceof OutsideRepositoryError) throw new StepFailure(error.message);
    throw error;
  }
  if (!found) throw new StepFailure(`${what} ${relative} not found in the repository`);
  return path.join(root, found.path);
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

import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxUnavailableError } from '../../../../shared/sandbox/types';
import { withPrivatePids } from '../../../../shared/sandbox/private-pids';
import { minimalEnv } from '../../../../shared/process/minimal-env';
import { runProcess, type RunResult } from '../../../../shared/process/run-process';
import { buildFailureReason, lastErrorLine } from '../buildah/failure-reason';
import type { BuildahStorage } from '../../../../shared/builds/storage';
import { StepFailure } from './step-runner';

/** What `buildah bud` and `buildah push` of one build share. */
export interface BuildahRun {
  storage: BuildahStorage;
  /** The build's own folder: HOME of buildah, where the generated files are. */
  folder: string;
  registriesConf: string;
  authFile: string | null;
  tlsVerify: boolean;
  retries: number;
  signal: AbortSignal;
  write: (text: string) => void;
}

/** `--root`, `--runroot`, `--storage-driver`: the global options that keep a builder's images apart. */
export function storageArgs(storage: BuildahStorage): string[] {
  return ['--root', storage.root, '--runroot', storage.runroot, '--storage-driver', storage.driver];
}

/** The flags every registry access takes: TLS, retries, the auth file (never `--creds`). */
function registryArgs(run: BuildahRun): string[] {
  return [`--tls-verify=${run.tlsVerify}`, '--retry', String(run.retries), ...(run.authFile ? ['--authfile', run.authFile] : [])];
}

export interface BudRequest {
  dockerfile: string;
  dockerfileText: string;
  contextDir: string;
  imageRef: string;
  labels: Record<string, string>;
  timeoutMs: number;
}

/**
 * `RUN` steps lose `CAP_SYS_CHROOT`: under chroot isolation (a chroot, not a pivot_root), a
 * process that may call chroot(2) leaves the image's root with the classic `chroot(subdir);
 * chdir("../..")` and reads the host as root (the build folder's auth.json, the config).
 */
export const RUN_CAP_DROP = ['--cap-drop', 'CAP_SYS_CHROOT'] as const;

/**
 * `buildah bud` with chroot isolation (the only one that works without a container runtime
 * here and in an unprivileged pod), cached layers, the parent pulled when the registry has a
 * newer one, and every label. A failure names the failing instruction and its line. `RUN`
 * steps run without `CAP_SYS_CHROOT` ({@link RUN_CAP_DROP}) and, like buildah itself, in a PID
 * namespace of their own (see `buildah`).
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-build.1.md
 */
export async function buildahBud(run: BuildahRun, request: BudRequest): Promise<void> {
  const labels = Object.entries(request.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  const args = [
    ...storageArgs(run.storage),
    'bud',
    '--isolation',
    'chroot',
    ...RUN_CAP_DROP,
    '--layers',
    '--pull=true',
    ...registryArgs(run),
    '-f',
    request.dockerfile,
    '-t',
    request.imageRef,
    ...labels,
    request.contextDir,
  ];
  const result = await buildah(run, args, request.timeoutMs);
  if (result.exitCode === 0) return;
  throw new StepFailure(
    endReason('build', result, request.timeoutMs) ?? buildFailureReason(result.tail, request.dockerfileText) ?? `buildah bud exited with ${result.exitCode}`,
  );
}

/**
 * `buildah push` to `docker://<imageRef>`, returning the digest of the pushed manifest from
 * `--digestfile`. A registry only moves a tag when the manifest is put, after every blob, so a
 * refused push leaves no tag pointing at a partial image.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-push.1.md
 */
export async function buildahPush(run: BuildahRun, imageRef: string, digestFile: string, timeoutMs: number): Promise<string> {
  const args = [...storageArgs(run.storage), 'push', ...registryArgs(run), '--digestfile', digestFile, imageRef, `docker://${imageRef}`];
  const result = await buildah(run, args, timeoutMs);
  if (result.exitCode !== 0) {
    throw new StepFailure(
      endReason('push', result, timeoutMs) ?? `push of ${imageRef} refused: ${lastErrorLine(result.tail) ?? `buildah push exited with ${result.exitCode}`}`,
    );
  }
  const digest = (await readFile(digestFile, 'utf8').catch(() => '')).trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new StepFailure(`push of ${imageRef} gave no digest`);
  return digest;
}

/**
 * Runs buildah with an allow-listed environment (no secret: the password is in the auth file),
 * `TMPDIR` in the build's folder (its cache mounts die with the build) and
 * in its own PID namespace (`withPrivatePids`): chroot isolation leaves `RUN` in buildah's PID
 * namespace, which would otherwise be the host's, where `/proc/<pid>/environ` of the pipeline
 * holds its secrets. No `bwrap`: the step fails rather than run a Dockerfile unconfined.
 */
async function buildah(run: BuildahRun, args: string[], timeoutMs: number): Promise<RunResult> {
  run.write(`$ buildah ${args.join(' ')}\n`);
  let command: [string, string[]];
  try {
    command = withPrivatePids('buildah', args);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw new StepFailure(`buildah not run: no sandbox: ${error.message}`);
    throw error;
  }
  // buildah keeps `RUN --mount=type=cache` folders under $TMPDIR (default /var/tmp, shared by
  // every build on the host): in the build's own folder a project cannot poison another's cache.
  const tmpDir = path.join(run.folder, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const result = await runProcess(command[0], command[1], {
    cwd: run.folder,
    env: minimalEnv(run.folder, { CONTAINERS_REGISTRIES_CONF: run.registriesConf, BUILDAH_ISOLATION: 'chroot', TMPDIR: tmpDir }),
    timeoutMs,
    signal: run.signal,
    onOutput: run.write,
  });
  if (result.spawnError) throw new Error(`cannot run buildah: ${result.spawnError}`);
  return result;
}

function endReason(step: string, result: RunResult, timeoutMs: number): string | null {
  if (result.aborted) return `${step} aborted`;
  if (result.timedOut) return `${step} timed out after ${Math.round(timeoutMs / 100) / 10} s`;
  return null;
}

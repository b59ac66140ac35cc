import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../../../shared/errors/validation-error';
import { fsTree, linksOnDisk } from '../../../../shared/git/inside-checkout';
import { resolveProjectPaths } from '../../../../shared/index/paths';
import type { ProjectPaths } from '../../../../shared/index/types';
import { writeAuthFile } from '../buildah/auth-file';
import { registriesConf } from '../buildah/registries-conf';
import { containProjectPaths, ContainmentFailure, refuseEscapingLinks, type ContainedPaths } from '../../../../shared/dockerfile/contained-paths';
import { hostAccessProblem } from '../../../../shared/dockerfile/host-access';
import { limitText } from '../../../../shared/redact/limit';
import { loginSecrets } from '../../../../shared/redact/secrets';
import { redact } from '../../../../shared/redact/redact';
import { RedactingLog } from '../../../../shared/redact/redacting-stream';
import type { BuildLog, BuildSpec, BuildStart, Builder } from '../../../../shared/builds/builder-types';
import { buildahBud, buildahPush, type BuildahRun } from './buildah-steps';
import { builtBaseImages } from './base-image';
import { pipelineManifestLookup } from '../base-image';
import { checkout } from './checkout';
import { runPrebuild, type PrebuildSandbox } from './prebuild';
import { StepFailure, StepRunner } from './step-runner';
import { storageDriverFor, type StorageDriver } from '../../../../shared/builds/storage';

export interface LocalBuilderOptions {
  /** Each build gets a fresh folder below it, removed when the build ends. */
  workDir: string;
  /** The builder's own image storage; the host's default storage is never used. */
  buildah: { root: string; runroot: string; storageDriver?: StorageDriver };
  /** How often buildah retries a pull or push that failed on the network; 2 by default. */
  retries?: number;
  /** Limit of each git command of the checkout; 120 s by default. */
  gitTimeoutMs?: number;
  /** The prebuild sandbox: network, output limit, host paths never shown (see shared/sandbox). */
  sandbox?: Partial<PrebuildSandbox>;
}

/**
 * The embedded default backend: checkout, prebuild, `buildah bud` and `buildah push` on this
 * host, finished within the call. Build failures are outcomes; it throws only when it cannot
 * work at all (no buildah, no writable work folder).
 * @see ../readme.md
 */
export function createLocalBuilder(options: LocalBuilderOptions): Builder {
  return { id: 'local', start: (spec, log, signal) => buildLocally(options, spec, log, signal) };
}

async function buildLocally(options: LocalBuilderOptions, spec: BuildSpec, log: BuildLog, signal: AbortSignal): Promise<BuildStart> {
  const secrets = loginSecrets(spec.registry.username, spec.registry.password);
  const out = new RedactingLog(log, secrets);
  const write = (text: string): void => out.write(text);
  const runner = new StepRunner(out, signal);
  await mkdir(options.workDir, { recursive: true });
  const folder = await mkdtemp(path.join(options.workDir, `build-${spec.buildId.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  const src = path.join(folder, 'src');
  const outcome = { imageRef: spec.imageRef, steps: runner.steps };
  try {
    const paths = projectPaths(spec);
    // The Dockerfile is read right after the checkout, before any untrusted code runs: these
    // are the bytes the lint read at the commit, and the only ones buildah is given.
    const committed = await runner.run('checkout', `${spec.entry.gitUrl} at ${spec.commit} (shallow)`, async () => {
      await checkout(spec.entry.gitUrl, spec.commit, src, options.gitTimeoutMs ?? 120_000, write);
      return readCommittedDockerfile(src, paths);
    });
    if (paths.prebuildScript && paths.prebuildDir !== undefined) {
      const prebuildDir = paths.prebuildDir;
      const prebuildScript = paths.prebuildScript;
      await runner.run('prebuild', `${spec.entry.prebuildScript} in ${prebuildDir}`, () =>
        runPrebuild({
          checkoutDir: src,
          prebuildDir,
          prebuildScript,
          scriptName: spec.entry.prebuildScript ?? prebuildScript,
          env: { CCP_BUILD_ID: spec.buildId, CCP_COMMIT: spec.commit },
          ...(options.sandbox ? { sandbox: options.sandbox } : {}),
          timeoutMs: spec.timeouts.prebuildMs,
          signal,
          write,
        }),
      );
    }
    // Written only after the untrusted prebuild script has run and every process it started is gone.
    const run = await prepareBuildah(options, spec, folder, signal, write);
    // Starts when buildah does: the checks before it are not the build's time.
    let deadline = Date.now() + spec.timeouts.buildMs;
    await runner.run('build', `buildah bud -f ${paths.dockerfile} ${paths.contextDir} -t ${spec.imageRef}`, async () => {
      const { dockerfile, contextDir, bytes } = await containedForBuild(src, paths, committed, write);
      const dockerfileText = bytes.toString('utf8');
      const mountProblem = hostAccessProblem(dockerfileText, paths.dockerfile);
      if (mountProblem) throw new StepFailure(mountProblem);
      // Outside the context, so nothing in the build sees or changes it.
      const dockerfileCopy = path.join(folder, 'dockerfile', path.posix.basename(dockerfile).replace(/\.in$/, ''));
      await mkdir(path.dirname(dockerfileCopy), { recursive: true });
      await writeFile(dockerfileCopy, bytes, { mode: 0o600 });
      deadline = Date.now() + spec.timeouts.buildMs;
      await buildahBud(run, {
        dockerfile: dockerfileCopy,
        dockerfileText,
        contextDir: path.join(src, contextDir),
        imageRef: spec.imageRef,
        labels: spec.labels,
        timeoutMs: remaining(deadline),
      });
    });
    const digest = await runner.run('push', `docker://${spec.imageRef}`, () =>
      buildahPush(run, spec.imageRef, path.join(folder, 'digest'), remaining(deadline)),
    );
    out.write(`==> pushed ${spec.imageRef}@${digest}\n`);
    const baseImageDigests = await builtBaseImages(run, spec.imageRef, pipelineManifestLookup(spec.registry));
    return { kind: 'finished', outcome: { ...outcome, status: 'succeeded', digest, baseImageDigests } };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    return { kind: 'finished', outcome: { ...outcome, status: 'failed', reason: limitText(redact(error.message, secrets)) } };
  } finally {
    out.flush();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The Dockerfile's bytes at the commit (symlinks followed inside the checkout), null when it has none; a path that leads out fails the checkout. */
async function readCommittedDockerfile(src: string, paths: ProjectPaths): Promise<Buffer | null> {
  const contained = await contain(src, paths);
  return contained.dockerfile === null ? null : readFile(path.join(src, contained.dockerfile));
}

/**
 * The paths buildah gets, checked again after the prebuild script (which may have made links):
 * each inside the checkout, no symlink in the context that leads out, the Dockerfile present
 * at the commit. A Dockerfile the prebuild script changed is noted: the committed one is built.
 */
async function containedForBuild(
  src: string,
  paths: ProjectPaths,
  committed: Buffer | null,
  write: (text: string) => void,
): Promise<{ dockerfile: string; contextDir: string; bytes: Buffer }> {
  // The prebuild paths were checked before it ran and are done with; what it left there is its own.
  const contained = await contain(src, { gitPath: paths.gitPath, dockerfile: paths.dockerfile, contextDir: paths.contextDir });
  if (committed === null) throw new StepFailure(`Dockerfile ${paths.dockerfile} not found in the repository`);
  if (contained.contextDir === null) throw new StepFailure(`build context ${paths.contextDir} not found in the repository`);
  try {
    await refuseEscapingLinks(fsTree(src), paths.contextDir, await linksOnDisk(src, contained.contextDir));
  } catch (error) {
    if (error instanceof ContainmentFailure) throw new StepFailure(error.message);
    throw error;
  }
  const now = contained.dockerfile === null ? null : await readFile(path.join(src, contained.dockerfile)).catch(() => null);
  if (!now || !now.equals(committed)) write(`==> note: the prebuild script changed ${paths.dockerfile}; building it as committed (what the lint read)\n`);
  return { dockerfile: contained.dockerfile ?? paths.dockerfile, contextDir: contained.contextDir, bytes: committed };
}

async function contain(src: string, paths: ProjectPaths): Promise<ContainedPaths> {
  try {
    return await containProjectPaths(fsTree(src), paths);
  } catch (error) {
    if (error instanceof ContainmentFailure) throw new StepFailure(error.message);
    throw error;
  }
}

function projectPaths(spec: BuildSpec): ProjectPaths {
  try {
    return resolveProjectPaths(spec.entry);
  } catch (error) {
    if (error instanceof ValidationError) throw new StepFailure(error.message);
    throw error;
  }
}

async function prepareBuildah(
  options: LocalBuilderOptions,
  spec: BuildSpec,
  folder: string,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<BuildahRun> {
  const registriesConfFile = path.join(folder, 'registries.conf');
  await writeFile(registriesConfFile, registriesConf(spec));
  const { root, runroot } = options.buildah;
  const driver = options.buildah.storageDriver ?? (await storageDriverFor(root, runroot));
  return {
    storage: { root, runroot, driver },
    folder,
    registriesConf: registriesConfFile,
    authFile: await writeAuthFile(path.join(folder, 'auth.json'), spec.registry),
    tlsVerify: spec.registry.tlsVerify,
    retries: options.retries ?? 2,
    signal,
    write,
  };
}

/** Time left before the deadline, at least one second so a step still starts and fails clearly. */
function remaining(deadline: number): number {
  return Math.max(1000, deadline - Date.now());
}

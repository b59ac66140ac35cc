import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../errors/validation-error';
import { resolveProjectPaths } from '../../index/paths';
import type { ProjectPaths } from '../../index/types';
import { writeAuthFile } from '../buildah/auth-file';
import { registriesConf } from '../buildah/registries-conf';
import { RedactingLog, secretForms } from '../process/redacting-log';
import type { BuildLog, BuildSpec, BuildStart, Builder } from '../types';
import { buildahBud, buildahPush, type BuildahRun } from './buildah-steps';
import { checkout } from './checkout';
import { runPrebuild } from './prebuild';
import { StepFailure, StepRunner } from './step-runner';
import { storageDriverFor, type StorageDriver } from './storage';

export interface LocalBuilderOptions {
  /** Each build gets a fresh folder below it, removed when the build ends. */
  workDir: string;
  /** The builder's own image storage; the host's default storage is never used. */
  buildah: { root: string; runroot: string; storageDriver?: StorageDriver };
  /** How often buildah retries a pull or push that failed on the network; 2 by default. */
  retries?: number;
  /** Limit of each git command of the checkout; 120 s by default. */
  gitTimeoutMs?: number;
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
  const secrets = secretForms([spec.registry.password], spec.registry.username);
  const out = new RedactingLog(log, secrets);
  const write = (text: string): void => out.write(text);
  const runner = new StepRunner(out, signal);
  await mkdir(options.workDir, { recursive: true });
  const folder = await mkdtemp(path.join(options.workDir, `build-${spec.buildId.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  const src = path.join(folder, 'src');
  const outcome = { imageRef: spec.imageRef, steps: runner.steps };
  try {
    const paths = projectPaths(spec);
    await runner.run('checkout', `${spec.entry.gitUrl} at ${spec.commit} (shallow)`, () =>
      checkout(spec.entry.gitUrl, spec.commit, src, options.gitTimeoutMs ?? 120_000, write),
    );
    if (paths.prebuildScript && paths.prebuildDir !== undefined) {
      const prebuildDir = paths.prebuildDir;
      const prebuildScript = paths.prebuildScript;
      await runner.run('prebuild', `${spec.entry.prebuildScript} in ${prebuildDir}`, () =>
        runPrebuild({
          checkoutDir: src,
          prebuildDir,
          prebuildScript,
          scriptName: spec.entry.prebuildScript ?? prebuildScript,
          home: folder,
          env: { CCP_BUILD_ID: spec.buildId, CCP_COMMIT: spec.commit },
          timeoutMs: spec.timeouts.prebuildMs,
          signal,
          write,
        }),
      );
    }
    // Written only after the untrusted prebuild script has run and every process it started is gone.
    const run = await prepareBuildah(options, spec, folder, signal, write);
    const deadline = Date.now() + spec.timeouts.buildMs;
    const dockerfile = path.join(src, paths.dockerfile);
    const contextDir = path.join(src, paths.contextDir);
    await runner.run('build', `buildah bud -f ${paths.dockerfile} ${paths.contextDir} -t ${spec.imageRef}`, async () => {
      const dockerfileText = await readFile(dockerfile, 'utf8').catch(() => {
        throw new StepFailure(`Dockerfile ${paths.dockerfile} not found in the repository`);
      });
      if (!(await stat(contextDir).catch(() => null))?.isDirectory()) throw new StepFailure(`build context ${paths.contextDir} not found in the repository`);
      await buildahBud(run, { dockerfile, dockerfileText, contextDir, imageRef: spec.imageRef, labels: spec.labels, timeoutMs: remaining(deadline) });
    });
    const digest = await runner.run('push', `docker://${spec.imageRef}`, () => buildahPush(run, spec.imageRef, path.join(folder, 'digest'), remaining(deadline)));
    out.write(`==> pushed ${spec.imageRef}@${digest}\n`);
    return { kind: 'finished', outcome: { ...outcome, status: 'succeeded', digest } };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    return { kind: 'finished', outcome: { ...outcome, status: 'failed', reason: error.message } };
  } finally {
    out.flush();
    await rm(folder, { recursive: true, force: true });
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

async function prepareBuildah(options: LocalBuilderOptions, spec: BuildSpec, folder: string, signal: AbortSignal, write: (text: string) => void): Promise<BuildahRun> {
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

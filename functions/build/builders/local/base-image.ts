import { runProcess } from '../../../../shared/process/run-process';
import { minimalEnv } from '../../../../shared/process/minimal-env';
import type { BaseImageDigest } from '../../../../shared/builds/builder-types';
import { storageArgs, type BuildahRun } from './buildah-steps';

/** The annotation buildah writes on an image built FROM another: the base's full reference. @see https://github.com/opencontainers/image-spec/blob/main/annotations.md */
const BASE_NAME = 'org.opencontainers.image.base.name';

/**
 * The parent image the build actually used, at the manifest digest buildah pulled: the base's
 * name from the built image's `org.opencontainers.image.base.name`, its digest from buildah's
 * storage (`buildah images`), which `--pull=true` has just brought up to date. buildah 1.28's own
 * `org.opencontainers.image.base.digest` is not used: it names a manifest buildah made locally,
 * a different digest on every build, not the registry's. buildah records the last stage's base
 * only; an image `FROM scratch` has none (empty list).
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-images.1.md
 */
export async function builtBaseImages(run: BuildahRun, imageRef: string): Promise<BaseImageDigest[]> {
  const inspected = await buildahJson<{ ImageAnnotations?: Record<string, string> | null }>(run, ['inspect', '--type', 'image', imageRef]);
  const name = inspected?.ImageAnnotations?.[BASE_NAME];
  if (!name) return [];
  const images = await buildahJson<{ names?: string[] | null; digest?: string }[]>(run, ['images', '--json']);
  const digest = images?.find((image) => image.names?.includes(name))?.digest;
  return digest && /^sha256:[0-9a-f]{64}$/.test(digest) ? [{ ref: name, digest }] : [];
}

/** A buildah command's JSON answer, null when it fails (the provenance then lacks the base, the build stands). */
async function buildahJson<T>(run: BuildahRun, args: string[]): Promise<T | null> {
  const result = await runProcess('buildah', [...storageArgs(run.storage), ...args], {
    cwd: run.folder,
    env: minimalEnv(run.folder, { CONTAINERS_REGISTRIES_CONF: run.registriesConf }),
    timeoutMs: 30_000,
    signal: run.signal,
    captureMaxBytes: 16 * 1024 * 1024,
  });
  if (result.exitCode !== 0 || !result.stdout || result.truncated) return null;
  try {
    return JSON.parse(result.stdout.toString('utf8')) as T;
  } catch {
    return null;
  }
}

import { runProcess } from '../../../../shared/process/run-process';
import { minimalEnv } from '../../../../shared/process/minimal-env';
import type { BaseImageDigest } from '../../../../shared/builds/builder-types';
import { baseImageDigests, type CurrentManifest } from '../base-image';
import { storageArgs, type BuildahRun } from './buildah-steps';

/** The annotation buildah writes on an image built FROM another: the base's full reference. @see https://github.com/opencontainers/image-spec/blob/main/annotations.md */
const BASE_NAME = 'org.opencontainers.image.base.name';

/**
 * The parent image the build actually used, read from this host's buildah storage: the base
 * `org.opencontainers.image.base.name` names, its digest and full id from `buildah images`
 * (which `--pull=true` has just brought up to date), put through the decision both backends
 * share ({@link baseImageDigests}: the registry's digest when its manifest's config is the
 * base's own, else the storage's). buildah records the last stage's base only; an image `FROM
 * scratch` has none (empty list).
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-images.1.md
 * @see ../base-image.ts
 */
export async function builtBaseImages(run: BuildahRun, imageRef: string, current: CurrentManifest): Promise<BaseImageDigest[]> {
  const inspected = await buildahJson<{ ImageAnnotations?: Record<string, string> | null }>(run, ['inspect', '--type', 'image', imageRef]);
  const name = inspected?.ImageAnnotations?.[BASE_NAME];
  if (!name) return [];
  const images = await buildahJson<{ names?: string[] | null; digest?: string; id?: string }[]>(run, ['images', '--json', '--no-trunc']);
  const base = images?.find((image) => image.names?.includes(name));
  return baseImageDigests({ name, ...(base?.digest ? { storageDigest: base.digest } : {}), ...(base?.id ? { imageId: base.id } : {}) }, current);
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

import { runProcess } from '../../../../shared/process/run-process';
import { minimalEnv } from '../../../../shared/process/minimal-env';
import type { BaseImageDigest } from '../../../../shared/builds/builder-types';
import { storageArgs, type BuildahRun } from './buildah-steps';

/** The annotation buildah writes on an image built FROM another: the base's full reference. @see https://github.com/opencontainers/image-spec/blob/main/annotations.md */
const BASE_NAME = 'org.opencontainers.image.base.name';
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** What `ref`'s registry serves for it now: the image manifest's digest and its config's (null when it cannot be asked). */
export type CurrentManifest = (ref: string) => Promise<{ digest: string; configDigest: string } | null>;

/**
 * The parent image the build actually used, at a manifest digest its registry serves. The
 * base is the one buildah's `org.opencontainers.image.base.name` names; its digest is the one
 * the registry serves for that name now when that manifest's config is the very config of the
 * base in buildah's storage (the same image, whatever manifest bytes each side holds), else
 * the digest in buildah's storage (`buildah images`, which `--pull=true` has just brought up
 * to date). Neither buildah digest alone will do: for a parent built in this same storage and
 * then pushed (every in-index parent of the local backend), both `buildah images` and buildah's
 * `org.opencontainers.image.base.digest` name manifests buildah made locally, which the
 * registry never had. buildah records the last stage's base only; an image `FROM scratch` has
 * none (empty list).
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-images.1.md
 * @see https://github.com/opencontainers/image-spec/blob/main/annotations.md
 */
export async function builtBaseImages(run: BuildahRun, imageRef: string, current: CurrentManifest): Promise<BaseImageDigest[]> {
  const inspected = await buildahJson<{ ImageAnnotations?: Record<string, string> | null }>(run, ['inspect', '--type', 'image', imageRef]);
  const name = inspected?.ImageAnnotations?.[BASE_NAME];
  if (!name) return [];
  const images = await buildahJson<{ names?: string[] | null; digest?: string; id?: string }[]>(run, ['images', '--json', '--no-trunc']);
  const base = images?.find((image) => image.names?.includes(name));
  const served = base?.id ? await current(name) : null;
  if (served && base?.id && served.configDigest === fullId(base.id) && DIGEST.test(served.digest)) return [{ ref: name, digest: served.digest }];
  return base?.digest && DIGEST.test(base.digest) ? [{ ref: name, digest: base.digest }] : [];
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

/** A storage image id as `buildah images --no-trunc` writes it (`sha256:<hex>` or bare hex) → the config digest it is. */
function fullId(id: string): string {
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
}

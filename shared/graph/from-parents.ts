import { dockerfileAst } from '../lazy/packages';
import { imageName, parseImageName } from '../index/types';
import { parseImageRef } from '../dockerfile/image';

/** The seed's registry: its images are the index's images, wherever the pipeline now pushes. */
export const SEED_REGISTRY = 'registry.centos.org';

export interface BaseImageOptions {
  /** The pipeline's registry (`host:port`); `FROM` lines naming it name index images. */
  registry?: string;
}

/**
 * The image references of every stage's `FROM`, with the `ARG` defaults declared before the
 * first `FROM` substituted (`$X`, `${X}`, `${X:-word}`, `${X:+word}`), in file order and
 * without duplicates. Left out: `scratch`, names of earlier stages (case-insensitive, as
 * Docker reads them), references with a digest (`@sha256:…`: pinned, never a moving parent),
 * and references with a variable no such `ARG` gives a value. `--platform` and other flags are
 * not part of the reference.
 * @see https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
 */
export function fromImagesOf(dockerfile: string): string[] {
  const parsed = dockerfileAst().DockerfileParser.parse(dockerfile);
  const args = new Map<string, string | null>();
  for (const arg of parsed.getInitialARGs()) {
    for (const property of arg.getProperties()) {
      const name = property.getName();
      const value = property.getValue();
      args.set(name, value === null ? null : substitute(value, args));
    }
  }
  const stages = new Set<string>();
  const images: string[] = [];
  for (const from of parsed.getFROMs()) {
    const written = from.getImage();
    const stage = from.getBuildStage();
    const image = written === null ? null : substitute(written, args);
    if (image !== null && !image.includes('@') && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()) && !images.includes(image)) {
      images.push(image);
    }
    if (stage) stages.add(stage.toLowerCase());
  }
  return images;
}

/**
 * The index image (`app-id/job-id:desired-tag`, tag `latest` when absent) a `FROM` reference
 * names, or `null` when it names none: a reference with a registry other than the pipeline's
 * own or the seed's ({@link SEED_REGISTRY}) is external, and so is one with a digest. A
 * one-part repository is the `library` app (`centos:7` → `library/centos:7`), as the pipeline
 * pushes `library` images without a namespace and its `registries.conf` aliases `x` to
 * `library/x`.
 */
export function indexImageOf(reference: string, options: BaseImageOptions = {}): string | null {
  const ref = parseImageRef(reference.trim());
  if (ref.digest !== null) return null;
  let repository = ref.image;
  if (ref.registry !== null) {
    const host = ref.registry.toLowerCase();
    if (host !== SEED_REGISTRY && host !== options.registry?.toLowerCase()) return null;
    repository = repository.slice(ref.registry.length + 1);
  }
  if (!repository.includes('/')) repository = `library/${repository}`;
  const parsed = parseImageName(`${repository}:${ref.tag ?? 'latest'}`);
  return parsed && parsed.jobId !== '' ? imageName(parsed) : null;
}

/**
 * The index images a Dockerfile is built on: {@link fromImagesOf}, each resolved by
 * {@link indexImageOf}; external references are left out. Sorted, without duplicates.
 */
export function baseImagesOf(dockerfile: string, options: BaseImageOptions = {}): string[] {
  const names = new Set<string>();
  for (const reference of fromImagesOf(dockerfile)) {
    const name = indexImageOf(reference, options);
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** `value` with the known `args` put in; `null` when a variable stays without a value. */
function substitute(value: string, args: ReadonlyMap<string, string | null>): string | null {
  let unresolved = false;
  const result = value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, braced: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const known = args.get(name) ?? null;
      const set = operator?.startsWith(':') ? known !== null && known !== '' : known !== null;
      if (operator?.endsWith('-')) return set ? known! : (word ?? '');
      if (operator?.endsWith('+')) return set ? (word ?? '') : '';
      if (known === null) unresolved = true;
      return known ?? '';
    },
  );
  return unresolved || result.includes('$') ? null : result;
}

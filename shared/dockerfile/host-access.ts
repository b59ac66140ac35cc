import { buildContext } from './context';

/** Mount types that never show the host's files: a cache of its own, tmpfs, and the two that need flags ccp never passes. */
const SAFE_TYPES = new Set(['cache', 'tmpfs', 'secret', 'ssh']);

/**
 * containers/image transports that read the build host itself (files, the local image storage,
 * a daemon's socket); `docker://` goes to a registry and stays allowed.
 * @see https://github.com/containers/image/blob/main/docs/containers-transports.5.md
 */
const HOST_TRANSPORTS = /(^|:[-+])\s*(containers-storage|dir|docker-archive|docker-daemon|oci|oci-archive|ostree|sif|tarball):/i;

/**
 * Why a Dockerfile cannot be built by ccp, or null: {@link hostMountProblem}, else an image
 * reference that names a transport reading the build host (`FROM oci-archive:/path`,
 * `COPY --from=containers-storage:other/image`, also through an `ARG` default or `ENV` value):
 * buildah 1.28 builds `FROM oci-archive:/any/host/file.tar` and copies from it, and
 * `containers-storage:` would read another project's image from the builder's own storage
 * without the registry's say.
 * @see ../../functions/build/builders/readme.md
 */
export function hostAccessProblem(dockerfileText: string, file: string): string | null {
  const mount = hostMountProblem(dockerfileText, file);
  if (mount) return mount;
  const context = buildContext(dockerfileText, file);
  const variables = new Map<string, string>();
  for (const instruction of context.instructions) {
    const values: Array<[string, string]> = [];
    if (instruction.keyword === 'FROM') values.push(['FROM', instruction.words[0] ?? '']);
    if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
      for (const word of instruction.words) {
        const value = word.includes('=') ? word.replace(/^[^=]*=/, '').replace(/^["']|["']$/g, '') : '';
        values.push([instruction.keyword, value]);
        variables.set(word.replace(/=.*$/s, ''), value);
      }
    }
    for (const flag of instruction.flags) if (flag.name.toLowerCase() === 'from') values.push([`${instruction.keyword} --from`, flag.value ?? '']);
    for (const [where, value] of values) {
      // buildah expands ARG and ENV values in image references, so `ARG T=oci` then
      // `FROM ${T}-archive:/x.tar` names a host transport that no single word shows.
      const transport = HOST_TRANSPORTS.exec(value) ?? HOST_TRANSPORTS.exec(expandVariables(value, variables));
      if (transport)
        return `${file} line ${instruction.line}: ${where} names the ${transport[2]!.toLowerCase()}: transport, which reads the build host; name an image in a registry`;
    }
  }
  return null;
}

/**
 * Why a Dockerfile cannot be built by ccp, or null: a `RUN --mount` that binds a path of the
 * build context or of another image (`type=bind`, the default type, or `type=cache,from=…`).
 * buildah 1.28 bind-mounts such a source from the host after following its symlinks on the
 * host, so `source=link` with `link -> /etc` puts the host's `/etc` in the build, and a `rw`
 * bind of the context writes new symlinks into the checkout between our check and a later
 * step (tried: `functions/build/builders/readme.md`). `COPY`/`ADD` are safe: buildah reads the context
 * chrooted into it. ONBUILD triggers count too. The lint and the build both call this, so
 * they refuse the same Dockerfile with the same words, and no `# hadolint ignore` or
 * `.hadolint.yaml` can turn it off.
 * @see https://github.com/containers/buildah/blob/v1.28.2/docs/buildah-build.1.md
 */
export function hostMountProblem(dockerfileText: string, file: string): string | null {
  const context = buildContext(dockerfileText, file);
  for (const instruction of context.instructions) {
    if (instruction.keyword !== 'RUN') continue;
    for (const flag of instruction.flags) {
      if (flag.name.toLowerCase() !== 'mount') continue;
      const options = mountOptions(flag.value ?? '');
      const type = options.get('type') ?? 'bind';
      const unsafe = !SAFE_TYPES.has(type) || (type === 'cache' && options.has('from'));
      if (unsafe) {
        const kind = type === 'cache' ? 'type=cache with from=' : `type=${type}`;
        return `${file} line ${instruction.line}: RUN --mount ${kind} is not allowed (it shows host files through symlinks); use COPY`;
      }
      const escape = cacheEscape(flag.value ?? '', options);
      if (escape)
        return `${file} line ${instruction.line}: RUN --mount ${escape} is not allowed (buildah 1.28 would mount a host folder outside its cache, CVE-2024-9675)`;
    }
  }
  return null;
}

/** A cache `id`, `source` or `src` is a folder name under buildah's cache folder: plain words, no `.`/`..`, no root. */
const CACHE_NAME = /^[a-z0-9_-][a-z0-9._-]*(\/[a-z0-9_-][a-z0-9._-]*)*$/;

/**
 * What of a mount's text could name a host folder through buildah's cache: a variable anywhere
 * (buildah 1.28 expands `ARG`s in `--mount` before reading it, so `id=$X` or `${K}` hides any
 * option), or a cache `id`/`source`/`src` that is not a plain relative name (`id=../../../etc`:
 * buildah joins it to `/var/tmp/buildah-cache` after `filepath.Clean`, which keeps a leading
 * `..`, and mounts the host's folder read-write). Null when there is none.
 * @see https://github.com/advisories/GHSA-fj7r-2fpx-wv2h
 */
function cacheEscape(value: string, options: Map<string, string>): string | null {
  if (value.includes('$')) return 'with a variable';
  if (options.get('type') !== 'cache') return null;
  // Every occurrence, not only the last one the map kept.
  for (const field of dequote(value).split(',')) {
    const at = field.indexOf('=');
    const key = field.slice(0, Math.max(at, 0)).trim().toLowerCase();
    const name = field
      .slice(at + 1)
      .trim()
      .toLowerCase();
    if (CACHE_KEYS.has(key) && !CACHE_NAME.test(name)) return `type=cache with ${key}=${name}`;
  }
  return null;
}

const CACHE_KEYS = new Set(['id', 'source', 'src']);

/**
 * The word buildah reads: quotes removed and backslash escapes resolved, as its Dockerfile
 * parser does before it splits a flag at commas (`"id=../.."` and `id=\.\./` both reach it as `id=../..`).
 */
function dequote(value: string): string {
  return value.replace(/\\(.)|["']/gs, (_all, escaped: string | undefined) => escaped ?? '');
}

/** `type=bind,source=x,target=/y` as lower-case keys to values; a bare key (`rw`) maps to ''. */
function mountOptions(value: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const field of dequote(value).split(',')) {
    const at = field.indexOf('=');
    const key = (at < 0 ? field : field.slice(0, at)).trim().toLowerCase();
    options.set(
      key,
      at < 0
        ? ''
        : field
            .slice(at + 1)
            .trim()
            .toLowerCase(),
    );
  }
  return options;
}

/**
 * `value` with `$X`, `${X}`, `${X:-word}` and `${X:+word}` replaced by what every `ARG`/`ENV`
 * of the file sets `X` to (any stage: ccp passes no build arguments), a few rounds deep for
 * values that name other variables.
 * @see https://docs.docker.com/reference/dockerfile/#environment-replacement
 */
function expandVariables(value: string, variables: ReadonlyMap<string, string>): string {
  let expanded = value;
  for (let round = 0; round < 4 && expanded.includes('$'); round += 1) {
    expanded = expanded.replace(
      /\$\{(\w+)(?::?([-+])([^}]*))?\}|\$(\w+)/g,
      (_match, braced: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
        const current = variables.get((braced ?? bare)!) ?? '';
        if (operator === '-') return current || (word ?? '');
        if (operator === '+') return current ? (word ?? '') : '';
        return current;
      },
    );
  }
  return expanded;
}

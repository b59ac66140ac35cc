import { ValidationError } from '../errors/validation-error';

/** The parts of a package URL, before encoding. */
export interface PackageUrlParts {
  type: string;
  namespace?: string | undefined;
  name: string;
  version?: string | undefined;
  qualifiers?: Record<string, string | undefined>;
}

const TYPE = /^[a-z][a-z0-9.+-]*$/;
const QUALIFIER_KEY = /^[a-z][a-z0-9._-]*$/;

/**
 * The one package URL builder of ccp (SBOM components, scanner findings, the image itself), in
 * the canonical form of the purl spec's "How to build": `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`,
 * type lower-cased, every namespace segment, the name, the version and each qualifier value
 * percent-encoded (all but `A-Za-z0-9.-_~` and `:`, so a scoped npm name's `@` is `%40`), keys
 * lower-cased, pairs with an empty value dropped and the rest sorted. A type or qualifier key
 * the spec does not allow is a ValidationError (they are ours, never an image's).
 * @see https://github.com/package-url/purl-spec/blob/main/docs/specification/how-to-build.md
 */
export function packageUrl(parts: PackageUrlParts): string {
  const type = parts.type.toLowerCase();
  if (!TYPE.test(type)) throw new ValidationError('not a package URL type', [{ field: 'type', message: `${JSON.stringify(parts.type)} is not a purl type` }]);
  const segments = (parts.namespace ?? '').split('/').filter((segment) => segment !== '');
  const namespace = segments.length > 0 ? `${segments.map(encodeSegment).join('/')}/` : '';
  const name = parts.name.replace(/^\/+|\/+$/g, '');
  const version = parts.version ? `@${encodeSegment(parts.version)}` : '';
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => {
      const lower = key.toLowerCase();
      if (!QUALIFIER_KEY.test(lower))
        throw new ValidationError('not a package URL qualifier key', [{ field: 'qualifiers', message: `${JSON.stringify(key)} is not a purl qualifier key` }]);
      return `${lower}=${encodeSegment(value)}`;
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('&');
  return `pkg:${type}/${namespace}${encodeSegment(name)}${version}${qualifiers ? `?${qualifiers}` : ''}`;
}

/** `pkg:pypi/<name>@<version>`; the name normalised as PyPI does (PEP 503). */
export function pypiPurl(name: string, version: string, qualifiers: Record<string, string | undefined> = {}): string {
  return packageUrl({ type: 'pypi', name: normalizePythonName(name), version, qualifiers });
}

/** `pkg:npm/<name>@<version>`; a scoped name becomes the namespace: `pkg:npm/%40scope/name@1.0.0`. */
export function npmPurl(name: string, version: string, qualifiers: Record<string, string | undefined> = {}): string {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  return scoped
    ? packageUrl({ type: 'npm', namespace: scoped[1]!, name: scoped[2]!, version, qualifiers })
    : packageUrl({ type: 'npm', name, version, qualifiers });
}

/** `pkg:gem/<name>@<version>`, with `?platform=` for a platform gem. */
export function gemPurl(name: string, version: string, platform?: string): string {
  return packageUrl({ type: 'gem', name, version, qualifiers: { platform } });
}

/**
 * `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…&distro=…&epoch=…`: the vendor lower-cased
 * as the namespace, the epoch only when not 0.
 * @see https://github.com/package-url/purl-spec/blob/main/types/rpm-definition.json
 */
export function rpmPurl(parts: {
  vendor?: string | undefined;
  name: string;
  version: string;
  release?: string | undefined;
  arch?: string | undefined;
  epoch?: string | number | undefined;
  distro?: string | undefined;
}): string {
  const epoch = parts.epoch === undefined || String(parts.epoch) === '0' || String(parts.epoch) === '' ? undefined : String(parts.epoch);
  return packageUrl({
    type: 'rpm',
    namespace: (parts.vendor ?? '').toLowerCase() || undefined,
    name: parts.name,
    version: parts.release ? `${parts.version}-${parts.release}` : parts.version,
    qualifiers: { arch: parts.arch, epoch, distro: parts.distro },
  });
}

/**
 * A Python distribution name as PEP 503 normalises it: lower case, runs of `-`, `_` and `.`
 * made one `-`.
 * @see https://peps.python.org/pep-0503/#normalized-names
 */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Percent-encodes all but the spec's unreserved characters and the colon, which stays as it is. */
function encodeSegment(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/gi, ':');
}

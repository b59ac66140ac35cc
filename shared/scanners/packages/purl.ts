/**
 * Package URLs (purl): `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`. Each part is
 * percent-encoded as the spec asks (a scoped npm name's `@` becomes `%40`); qualifiers are sorted
 * by key and empty ones dropped.
 * @see https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst
 */
export function packageUrl(parts: { type: string; namespace?: string; name: string; version?: string; qualifiers?: Record<string, string | undefined> }): string {
  const namespace = parts.namespace ? `${parts.namespace.split('/').map(encodeSegment).join('/')}/` : '';
  const version = parts.version ? `@${encodeSegment(parts.version)}` : '';
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key.toLowerCase()}=${encodeSegment(value)}`)
    .join('&');
  return `pkg:${parts.type}/${namespace}${encodeSegment(parts.name)}${version}${qualifiers ? `?${qualifiers}` : ''}`;
}

/** `pkg:pypi/<name>@<version>`; the name normalised as PyPI does (PEP 503). */
export function pypiPurl(name: string, version: string): string {
  return packageUrl({ type: 'pypi', name: normalizePythonName(name), version });
}

/** `pkg:npm/<name>@<version>`; a scoped name becomes the namespace: `pkg:npm/%40scope/name@1.0.0`. */
export function npmPurl(name: string, version: string): string {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  return scoped ? packageUrl({ type: 'npm', namespace: scoped[1]!, name: scoped[2]!, version }) : packageUrl({ type: 'npm', name, version });
}

/** `pkg:gem/<name>@<version>`, with `?platform=` for a platform gem. */
export function gemPurl(name: string, version: string, platform?: string): string {
  return packageUrl({ type: 'gem', name, version, qualifiers: { platform } });
}

/** `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…&epoch=…` (epoch only when not 0). */
export function rpmPurl(parts: { vendor?: string; name: string; version: string; release: string; arch?: string; epoch?: string | number }): string {
  const epoch = parts.epoch === undefined || String(parts.epoch) === '0' || String(parts.epoch) === '' ? undefined : String(parts.epoch);
  return packageUrl({
    type: 'rpm',
    namespace: (parts.vendor ?? '').toLowerCase() || undefined,
    name: parts.name,
    version: `${parts.version}-${parts.release}`,
    qualifiers: { arch: parts.arch, epoch },
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

function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

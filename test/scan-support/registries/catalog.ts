/** What the local registries know: per package name, its published versions. */
export interface RegistryCatalog {
  /** PyPI projects by name (any spelling; served under the PEP 503 normalised name). */
  pypi?: Record<string, { versions: string[]; yanked?: string[] }>;
  /** npm packages; `latest` is the `latest` dist-tag (default: the highest stable version). */
  npm?: Record<string, { versions: string[]; latest?: string; deprecated?: string[] }>;
  /** Gems; rubygems' latest.json answers the highest stable version. */
  rubygems?: Record<string, { versions: string[]; platform?: string }>;
}

import type { RegistryVersions } from './registry-versions';
import type { PackageRegistryClient } from './registry-client';

interface Packument {
  'dist-tags'?: Record<string, unknown>;
  versions?: Record<string, { deprecated?: unknown } | undefined>;
}

/**
 * A package's versions from an npm registry's packument (`GET <registry>/<name>`, a scoped
 * name as `@scope%2Fname`; every other character a path could read is escaped, since the name
 * comes from the image): every version not deprecated, and `dist-tags.latest` unless it is
 * deprecated. `null` when
 * the registry does not know the package.
 * @see https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md#getpackage
 */
export async function npmVersions(client: PackageRegistryClient, baseUrl: string, name: string): Promise<RegistryVersions | null> {
  const answer = (await client.getJson(`${baseUrl.replace(/\/$/, '')}/${encodeURIComponent(name).replace(/^%40/, '@')}`)) as Packument | null;
  if (!answer || typeof answer !== 'object') return null;
  const versions = Object.entries(answer.versions ?? {})
    .filter(([, manifest]) => !manifest?.deprecated)
    .map(([version]) => version);
  const latest = answer['dist-tags']?.latest;
  // A deprecated `latest` is not offered; the newest version that is not deprecated is.
  return { versions, ...(typeof latest === 'string' && versions.includes(latest) ? { latest } : {}) };
}

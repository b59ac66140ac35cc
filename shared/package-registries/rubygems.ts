import type { RegistryVersions } from './registry-versions';
import type { PackageRegistryClient } from './registry-client';

/**
 * A gem's versions on a rubygems-compatible server. For a stable install, the latest release
 * (`GET /api/v1/versions/<name>/latest.json` → `{version}`; rubygems answers
 * `{"version":"unknown"}` for a gem it does not know); for a pre-release install, every version
 * (`GET /api/v1/versions/<name>.json` → `[{number, prerelease, platform}]`). `null` when the
 * server does not know the gem.
 * @see https://guides.rubygems.org/rubygems-org-api/#gem-version-methods
 */
export async function rubygemsVersions(client: PackageRegistryClient, baseUrl: string, name: string, prereleases: boolean): Promise<RegistryVersions | null> {
  const base = `${baseUrl.replace(/\/$/, '')}/api/v1/versions/${encodeURIComponent(name)}`;
  if (prereleases) {
    const all = (await client.getJson(`${base}.json`)) as { number?: unknown }[] | null;
    if (!Array.isArray(all) || all.length === 0) return null;
    return { versions: all.map((item) => item?.number).filter((number): number is string => typeof number === 'string') };
  }
  const latest = (await client.getJson(`${base}/latest.json`)) as { version?: unknown } | null;
  const version = latest?.version;
  if (typeof version !== 'string' || version === 'unknown') return null;
  return { versions: [version], latest: version };
}

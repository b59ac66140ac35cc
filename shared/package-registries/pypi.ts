import type { RegistryVersions } from './registry-versions';
import type { PackageRegistryClient } from './registry-client';
import { normalizePythonName } from '../reports/purl';

interface PypiFile {
  yanked?: boolean;
}

interface PypiProject {
  info?: { version?: string };
  releases?: Record<string, PypiFile[] | undefined>;
}

/**
 * The releases of a project on a PyPI-compatible index, from its JSON API
 * (`GET <index>/pypi/<name>/json`): every release with at least one file that is not yanked
 * (a release of yanked files only is not offered; PEP 592). `null` when the index does not
 * know the project.
 * @see https://docs.pypi.org/api/json/
 */
export async function pypiVersions(client: PackageRegistryClient, baseUrl: string, name: string): Promise<RegistryVersions | null> {
  const answer = (await client.getJson(`${baseUrl.replace(/\/$/, '')}/pypi/${encodeURIComponent(normalizePythonName(name))}/json`)) as PypiProject | null;
  if (!answer || typeof answer !== 'object') return null;
  const releases = answer.releases && typeof answer.releases === 'object' ? answer.releases : {};
  const versions = Object.entries(releases)
    .filter(([, files]) => Array.isArray(files) && files.some((file) => file?.yanked !== true))
    .map(([version]) => version);
  if (versions.length === 0 && typeof answer.info?.version === 'string') versions.push(answer.info.version);
  return { versions };
}

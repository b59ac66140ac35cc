import type { OsvEcosystem } from '../osv/ecosystems';
import { npmVersions } from './npm-registry';
import { pypiVersions } from './pypi';
import type { PackageRegistryClient } from './registry-client';
import type { RegistryVersions } from './registry-versions';
import { rubygemsVersions } from './rubygems';

/** The OSV ecosystems whose packages come from a registry rather than an image's RPM repositories. */
export type RegistryEcosystem = Extract<OsvEcosystem, 'PyPI' | 'npm' | 'RubyGems'>;

/** The language registries' base URLs (`scan.registries.*`, as the update scanners ask them). */
export interface RegistryUrls {
  pypi: string;
  npm: string;
  rubygems: string;
}

/**
 * Whether `ecosystem` is one whose packages come from a registry (PyPI, npm, RubyGems).
 * @see https://ossf.github.io/osv-schema/#affectedpackage-field
 */
export function isRegistryEcosystem(ecosystem: string): ecosystem is RegistryEcosystem {
  return ecosystem === 'PyPI' || ecosystem === 'npm' || ecosystem === 'RubyGems';
}

/**
 * `name`'s installable versions on the registry of `ecosystem`, with its own client rules
 * (PyPI's yanked releases, npm's deprecated versions left out; rubygems' latest release, or all
 * its versions when `prereleases`). `null` when the registry does not know the package; throws
 * a `RegistryUnreachableError` (`./registry-client.ts`) when it does not answer.
 * @see https://docs.pypi.org/api/json/
 */
export function registryVersions(
  client: PackageRegistryClient,
  registries: RegistryUrls,
  ecosystem: RegistryEcosystem,
  name: string,
  prereleases: boolean,
): Promise<RegistryVersions | null> {
  switch (ecosystem) {
    case 'PyPI':
      return pypiVersions(client, registries.pypi, name);
    case 'npm':
      return npmVersions(client, registries.npm, name);
    case 'RubyGems':
      return rubygemsVersions(client, registries.rubygems, name, prereleases);
  }
}

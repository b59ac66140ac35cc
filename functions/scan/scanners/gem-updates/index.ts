import { checkUpdates } from '../packages/check-updates';
import { PackageRegistryClient } from '../../../../shared/package-registries/registry-client';
import { RUBYGEMS_RULES } from '../../../../shared/versions/version-rules';
import type { Scanner } from '../../../../shared/reports/scanner-types';
import { imageLanguagePackages } from '../image-reads';
import { rubygemsVersions } from '../../../../shared/package-registries/rubygems';

/**
 * Ruby gems installed in the image (their `specifications/*.gemspec`) against the newest
 * version on rubygems (or the configured server), compared with RubyGems' version rules.
 * @see https://guides.rubygems.org/rubygems-org-api/
 */
export const gemUpdatesScanner: Scanner = {
  id: 'gem-updates',
  version: '1.0.0',
  description: 'Ruby gems (specifications/*.gemspec) with a newer release on rubygems.',
  async scan(target, env) {
    const found = await imageLanguagePackages(target, env, 'gem');
    if (found.length === 0) return { status: 'skipped', reason: 'no Ruby gems', findings: [], packages: [] };
    const client = new PackageRegistryClient(env);
    return checkUpdates(found, {
      ecosystem: 'gem',
      registryName: 'rubygems',
      rules: RUBYGEMS_RULES,
      lookup: (name, prereleases) => rubygemsVersions(client, env.registries.rubygems, name, prereleases),
    });
  },
};

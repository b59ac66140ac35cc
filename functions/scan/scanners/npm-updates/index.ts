import { checkUpdates } from '../packages/check-updates';
import { PackageRegistryClient } from '../../../../shared/package-registries/registry-client';
import { SEMVER_RULES } from '../../../../shared/versions/version-rules';
import type { Scanner } from '../../../../shared/reports/scanner-types';
import { imageLanguagePackages } from '../image-reads';
import { npmVersions } from '../../../../shared/package-registries/npm-registry';

/**
 * npm packages installed in the image (global and application `node_modules`) against the
 * registry's `latest`, compared with semver.
 * @see https://docs.npmjs.com/cli/v10/commands/npm-outdated
 */
export const npmUpdatesScanner: Scanner = {
  id: 'npm-updates',
  version: '1.0.0',
  description: 'npm packages (node_modules) with a newer release on the npm registry.',
  async scan(target, env) {
    const found = await imageLanguagePackages(target, env, 'npm');
    if (found.length === 0) return { status: 'skipped', reason: 'no npm packages', findings: [], packages: [] };
    const client = new PackageRegistryClient(env);
    return checkUpdates(found, {
      ecosystem: 'npm',
      registryName: 'the npm registry',
      rules: SEMVER_RULES,
      lookup: (name) => npmVersions(client, env.registries.npm, name),
    });
  },
};

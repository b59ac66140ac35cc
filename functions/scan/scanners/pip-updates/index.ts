import { checkUpdates } from '../packages/check-updates';
import { PackageRegistryClient } from '../../../../shared/package-registries/registry-client';
import { PEP440_RULES } from '../../../../shared/versions/version-rules';
import type { Scanner } from '../../../../shared/reports/scanner-types';
import { imageLanguagePackages } from '../image-reads';
import { pypiVersions } from '../../../../shared/package-registries/pypi';

/**
 * Python distributions installed in the image against the newest release on PyPI (or the
 * configured index), compared with PEP 440.
 * @see https://peps.python.org/pep-0440/
 */
export const pipUpdatesScanner: Scanner = {
  id: 'pip-updates',
  version: '1.0.0',
  description: 'Python packages (dist-info, egg-info) with a newer release on the Python package index.',
  async scan(target, env) {
    const found = await imageLanguagePackages(target, env, 'pypi');
    if (found.length === 0) return { status: 'skipped', reason: 'no Python packages', findings: [], packages: [] };
    const client = new PackageRegistryClient(env);
    return checkUpdates(found, {
      ecosystem: 'pypi',
      registryName: 'the Python package index',
      rules: PEP440_RULES,
      lookup: (name) => pypiVersions(client, env.registries.pypi, name),
    });
  },
};

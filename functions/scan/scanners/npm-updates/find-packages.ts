import type { FoundPackage } from '../packages/check-updates';
import { npmPurl } from '../../../../shared/reports/purl';
import { readImageFile } from '../packages/read-file';
import { walkRootfs } from '../packages/walk-rootfs';

/**
 * npm packages installed in the image: every `node_modules/<name>/package.json` and
 * `node_modules/@scope/<name>/package.json`, nested ones included, anywhere in the tree (global
 * installs under `usr/lib/node_modules` and `usr/local/lib/node_modules`, application trees
 * such as `/opt/app/node_modules`). A `package.json` whose `name` or `version` is missing is not
 * an installed package and is passed over.
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/folders#node-modules
 */
export async function findNpmPackages(rootfs: string): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  await walkRootfs(rootfs, async (dir, entries) => {
    const slash = dir.lastIndexOf('/');
    const parentDir = slash < 0 ? '' : dir.slice(0, slash);
    const base = dir.slice(slash + 1);
    const inNodeModules = parentDir === 'node_modules' || parentDir.endsWith('/node_modules');
    const isPackage = inNodeModules && !base.startsWith('.') && !base.startsWith('@');
    const isScopedPackage = /(^|\/)node_modules\/@[^/]+$/.test(parentDir) && !base.startsWith('.');
    if (!(isPackage || isScopedPackage) || !entries.some((entry) => entry.name === 'package.json' && entry.isFile())) return;
    const manifest = parseManifest(await readImageFile(rootfs, `${dir}/package.json`));
    if (manifest) found.push({ ...manifest, location: dir, purl: npmPurl(manifest.name, manifest.version) });
  });
  return found;
}

function parseManifest(text: string | null): { name: string; version: string } | null {
  if (text === null) return null;
  try {
    const manifest = JSON.parse(text) as { name?: unknown; version?: unknown };
    return typeof manifest.name === 'string' && typeof manifest.version === 'string' && manifest.name && manifest.version
      ? { name: manifest.name, version: manifest.version }
      : null;
  } catch {
    return null;
  }
}

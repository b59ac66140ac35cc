import type { FoundPackage } from '../packages/check-updates';
import { gemPurl } from '../../../../shared/reports/purl';
import { readImageFile } from '../packages/read-file';
import { walkRootfs } from '../packages/walk-rootfs';
import { parseGemspec } from './gemspec';

/**
 * Ruby gems installed in the image: every `specifications/*.gemspec` and
 * `specifications/default/*.gemspec` (default gems) of every gem home in the tree
 * (`usr/share/gems`, `usr/local/lib/ruby/gems/3.2.0`, bundler's `vendor/bundle`).
 * @see https://guides.rubygems.org/rubygems-basics/#installing-gems
 */
export async function findGems(rootfs: string): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  await walkRootfs(rootfs, async (dir, entries) => {
    if (!/(^|\/)specifications(\/default)?$/.test(dir)) return;
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.gemspec')) continue;
      const gem = parseGemspec(entry.name, await readImageFile(rootfs, `${dir}/${entry.name}`));
      if (!gem) continue;
      found.push({
        name: gem.name,
        version: gem.version,
        location: `${dir}/${entry.name}`,
        purl: gemPurl(gem.name, gem.version, gem.platform),
        ...(gem.platform ? { qualifiers: { platform: gem.platform } } : {}),
      });
    }
  });
  return found;
}

import { readImageFile } from '../packages/read-file';
import { walkRootfs } from '../packages/walk-rootfs';
import type { FoundPackage } from '../packages/check-updates';
import { pypiPurl } from '../../../../shared/reports/purl';
import { parseCoreMetadata } from './core-metadata';

/** Folders Python installs distributions into: pip's `site-packages`, Debian's `dist-packages`. */
const PACKAGE_FOLDERS = new Set(['site-packages', 'dist-packages']);

/**
 * Python distributions installed in the image: every `*.dist-info/METADATA` (wheels, pip) and
 * `*.egg-info/PKG-INFO` or `*.egg-info` file (setuptools, distro packages) in a
 * `site-packages` or `dist-packages` folder, anywhere in the tree (system Python, virtualenvs,
 * `/opt/app/.venv`). Read from the files only: the image's Python is never run.
 * @see https://packaging.python.org/en/latest/specifications/recording-installed-packages/
 */
export async function findPythonPackages(rootfs: string): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  await walkRootfs(rootfs, async (dir, entries) => {
    const base = dir.slice(dir.lastIndexOf('/') + 1);
    if (!PACKAGE_FOLDERS.has(base)) return;
    for (const entry of entries) {
      let file: string | null = null;
      if (entry.isDirectory() && entry.name.endsWith('.dist-info')) file = `${dir}/${entry.name}/METADATA`;
      else if (entry.isDirectory() && entry.name.endsWith('.egg-info')) file = `${dir}/${entry.name}/PKG-INFO`;
      else if (entry.isFile() && entry.name.endsWith('.egg-info')) file = `${dir}/${entry.name}`;
      if (!file) continue;
      const text = await readImageFile(rootfs, file);
      const metadata = text === null ? null : parseCoreMetadata(text);
      if (!metadata) continue;
      found.push({ name: metadata.name, version: metadata.version, location: `${dir}/${entry.name}`, purl: pypiPurl(metadata.name, metadata.version) });
    }
    // A site-packages folder holds the modules themselves; nothing installed lives below it
    // except nested environments, which are rare enough to leave out for speed.
    return 'skip';
  });
  return found;
}

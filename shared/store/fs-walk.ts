import { promises as fs, type Stats } from 'node:fs';
import { UnsafePathError } from './errors';
import { fdPath, openSubfolder, type AnchoredRoot } from './fs-anchored';
import { RESERVED_SEGMENT } from './key-rules';

/** A listed key and the `lstat` of its file, taken through its open folder. */
export interface WalkedKey {
  key: string;
  stat: Stats;
}

/**
 * Keys of every regular file (with one link) under the root whose key starts with `prefix` (a string prefix, not
 * a folder: `reports/a` matches `reports/ab/x`). Only folders that can hold such keys are read;
 * the store's own `.ccp-store/` is never listed. Symbolic links are neither listed nor entered:
 * each folder is opened with `O_NOFOLLOW` relative to the one above (see {@link AnchoredRoot}),
 * and a prefix whose folder part is a link lists nothing.
 */
export async function* walkKeys(root: AnchoredRoot, prefix: string): AsyncGenerator<WalkedKey> {
  // The folder part of the prefix is where matching keys can start.
  const slash = prefix.lastIndexOf('/');
  const start = slash >= 0 ? prefix.slice(0, slash) : '';
  if (start.split('/')[0] === RESERVED_SEGMENT) return;
  let folder;
  try {
    folder = await root.openFolder('list', prefix, start ? start.split('/') : [], false);
  } catch (error) {
    if (error instanceof UnsafePathError) return;
    throw error;
  }
  if (!folder) return;
  try {
    yield* walk(folder.entry('.'), start, prefix);
  } finally {
    await folder.close();
  }
}

async function* walk(folderPath: string, folderKey: string, prefix: string): AsyncGenerator<WalkedKey> {
  let entries;
  try {
    entries = await fs.readdir(folderPath, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (!folderKey && entry.name === RESERVED_SEGMENT) continue;
    const key = folderKey ? `${folderKey}/${entry.name}` : entry.name;
    // Dirent types come from lstat: a link is neither a directory nor a file here.
    if (entry.isDirectory()) {
      const asFolder = `${key}/`;
      if (!(asFolder.startsWith(prefix) || prefix.startsWith(asFolder))) continue;
      const sub = await openSubfolder(folderPath, entry.name);
      if (!sub) continue;
      try {
        yield* walk(fdPath(sub), key, prefix);
      } finally {
        await sub.close();
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      // lstat through the open folder: no link on the way, none followed in the last place.
      const stat = await fs.lstat(`${folderPath}/${entry.name}`).catch(() => null);
      if (stat?.isFile() && stat.nlink === 1) yield { key, stat };
    }
  }
}

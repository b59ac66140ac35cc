import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RESERVED_SEGMENT } from './key-rules';

/**
 * Keys of every regular file under `root` whose key starts with `prefix` (a string prefix, not
 * a folder: `reports/a` matches `reports/ab/x`). Only folders that can hold such keys are read;
 * the store's own `.ccp-store/` is never listed.
 */
export async function* walkKeys(root: string, prefix: string): AsyncGenerator<string> {
  // The folder part of the prefix is where matching keys can start.
  const slash = prefix.lastIndexOf('/');
  const start = slash >= 0 ? prefix.slice(0, slash) : '';
  if (start.split('/')[0] === RESERVED_SEGMENT) return;
  yield* walk(root, start, prefix);
}

async function* walk(root: string, folderKey: string, prefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(folderKey ? path.join(root, folderKey) : root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (!folderKey && entry.name === RESERVED_SEGMENT) continue;
    const key = folderKey ? `${folderKey}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const asFolder = `${key}/`;
      if (asFolder.startsWith(prefix) || prefix.startsWith(asFolder)) yield* walk(root, key, prefix);
    } else if (entry.isFile() && key.startsWith(prefix)) {
      yield key;
    }
  }
}

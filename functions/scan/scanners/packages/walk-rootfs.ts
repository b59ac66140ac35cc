import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Top-level folders of a root filesystem that hold no installed packages (kernel and device views). */
const PSEUDO_FILESYSTEMS = new Set(['proc', 'sys', 'dev']);

/** What a visitor answers for a folder: `skip` stops the walk from going below it. */
export type WalkAnswer = 'skip' | void;

/**
 * Visits every real folder under `rootfs` (symbolic links are never followed, so a link in an
 * image cannot lead the walk onto the host), depth first, with the folder's path relative to
 * the root (`usr/lib/python3.11/site-packages`) and its entries. `/proc`, `/sys` and `/dev` are
 * left out. Unreadable folders are passed over: a scanner reports what it can read.
 * @see https://nodejs.org/docs/latest-v20.x/api/fs.html#class-fsdirent
 */
export async function walkRootfs(rootfs: string, visit: (relativeDir: string, entries: Dirent[]) => WalkAnswer | Promise<WalkAnswer>): Promise<void> {
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(rootfs, relativeDir), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if ((await visit(relativeDir, entries)) === 'skip') continue;
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const entry = entries[index]!;
      if (!entry.isDirectory()) continue;
      if (relativeDir === '' && PSEUDO_FILESYSTEMS.has(entry.name)) continue;
      pending.push(relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`);
    }
  }
}

import { randomUUID } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { etagOf } from './etag';
import type { StoreOperation } from './errors';
import type { AnchoredRoot, OpenFolder } from './fs-anchored';

/**
 * The sidecar of a stored file: its ETag and content type, and the inode and size of the body
 * file it describes. A put renames the sidecar into place before the body, so a reader that
 * finds a sidecar whose inode is not the body's is looking at a put in progress (or at the
 * remains of a crashed one, or at a file someone edited) and does not trust it.
 */
export interface Sidecar {
  etag: string;
  contentType?: string;
  ino: number;
  size: number;
  /** The body file's modification time: a file edited in place keeps its inode, not this. */
  mtimeMs: number;
}

/** What a reader knows of a body file after matching it with its sidecar. */
export interface FileInfo {
  stat: Stats;
  etag: string;
  contentType?: string;
}

/** Where one object's files are, as path segments below the store's root. */
export interface ObjectFiles {
  operation: StoreOperation;
  key: string;
  body: readonly string[];
  sidecar: readonly string[];
}

/** Errors that mean "no object here": missing, or a folder where the key's file would be. */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Writes `body` to a new file in the open folder `tmp`, flushed to disk; returns its path, inode and mtime. */
export async function writeTemp(tmp: OpenFolder, body: Buffer | string): Promise<{ file: string; ino: number; mtimeMs: number }> {
  const file = tmp.entry(randomUUID());
  // `wx` is O_CREAT|O_EXCL: it never opens an existing file or follows a link.
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(body);
    await handle.sync();
    const stat = await handle.stat();
    return { file, ino: stat.ino, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Renames `from` to the last of `segments` below the root, into `folder` (their folder, opened
 * without following links by {@link AnchoredRoot.openFolder}). A concurrent delete may remove
 * that folder (it prunes empty folders) between its creation and the rename, hence the retries
 * with the folder opened again. `rename(2)` replaces a link in the last place itself, never what
 * it points to.
 */
export async function renameInto(
  root: AnchoredRoot,
  files: Pick<ObjectFiles, 'operation' | 'key'>,
  from: string,
  segments: readonly string[],
  folder: OpenFolder,
): Promise<void> {
  const name = segments[segments.length - 1]!;
  let current = folder;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fs.rename(from, current.entry(name));
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
      }
      if (current !== folder) await current.close();
      current = (await root.openFolder(files.operation, files.key, segments.slice(0, -1), true))!;
    }
  } finally {
    if (current !== folder) await current.close();
  }
}

/** Reads a sidecar; `null` when there is none, it does not parse, or it is a link. */
export async function readSidecar(root: AnchoredRoot, files: ObjectFiles): Promise<Sidecar | null> {
  try {
    const opened = await root.openFile(files.operation, files.key, files.sidecar);
    if (!opened) return null;
    let text: string;
    try {
      text = await opened.handle.readFile('utf8');
    } finally {
      await opened.handle.close();
    }
    const parsed = JSON.parse(text) as Partial<Sidecar>;
    if (typeof parsed.etag !== 'string' || typeof parsed.ino !== 'number' || typeof parsed.size !== 'number' || typeof parsed.mtimeMs !== 'number') return null;
    return parsed as Sidecar;
  } catch {
    return null;
  }
}

/**
 * Reads the body file: content and the stat of the very file read; `null` when there is none.
 * Throws {@link UnsafePathError} when a link is on the way.
 */
export async function readObject(root: AnchoredRoot, files: ObjectFiles): Promise<{ content: Buffer; stat: Stats } | null> {
  const opened = await root.openFile(files.operation, files.key, files.body);
  if (!opened) return null;
  try {
    return { content: await opened.handle.readFile(), stat: opened.stat };
  } finally {
    await opened.handle.close();
  }
}

/**
 * The body file's metadata, from its sidecar when the sidecar describes this very file, else
 * (a put in progress or a crash between the two renames) retried a few times and finally
 * computed from the content. `null` when there is no body file.
 */
export async function statObject(root: AnchoredRoot, files: ObjectFiles, known?: { stat: Stats; content?: Buffer }): Promise<FileInfo | null> {
  const body = known?.content;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // A file just read (get) or looked at through its open folder (list) needs no second look on the first round.
    const opened = attempt === 0 && known ? { stat: known.stat } : await openAndClose(root, files);
    if (!opened) return null;
    const { stat } = opened;
    const sidecar = await readSidecar(root, files);
    if (sidecar && sidecar.ino === stat.ino && sidecar.size === stat.size && sidecar.mtimeMs === stat.mtimeMs) {
      return { stat, etag: sidecar.etag, contentType: sidecar.contentType };
    }
    await new Promise((resolve) => setTimeout(resolve, 2 * (attempt + 1)));
  }
  if (body) {
    const opened = await openAndClose(root, files);
    return opened ? { stat: opened.stat, etag: etagOf(body) } : null;
  }
  const reread = await readObject(root, files);
  return reread ? { stat: reread.stat, etag: etagOf(reread.content) } : null;
}

/** The stat of the body file, checked as a read would be; `null` when there is none. */
async function openAndClose(root: AnchoredRoot, files: ObjectFiles): Promise<{ stat: Stats } | null> {
  const opened = await root.openFile(files.operation, files.key, files.body);
  if (!opened) return null;
  await opened.handle.close();
  return { stat: opened.stat };
}

/**
 * Removes the file `segments` below the root and then the folders it leaves empty, down to
 * `keepDepth` folders (which stay). Goes through open folders only, so a link on the way is
 * refused ({@link UnsafePathError}) and never followed; a link in the last place is removed
 * itself. A folder in the last place is not an object and stays ("a" leaves "a/b" alone, as S3).
 */
export async function removeFile(
  root: AnchoredRoot,
  files: Pick<ObjectFiles, 'operation' | 'key'>,
  segments: readonly string[],
  keepDepth: number,
): Promise<void> {
  const folders = segments.slice(0, -1);
  const folder = await root.openFolder(files.operation, files.key, folders, false);
  if (!folder) return;
  try {
    try {
      await fs.unlink(folder.entry(segments[segments.length - 1]!));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (isAbsent(error) || code === 'EPERM') return;
      throw error;
    }
    for (let depth = folder.depth; depth > keepDepth; depth -= 1) {
      try {
        await fs.rmdir(folder.entryAt(depth - 1, folders[depth - 1]!));
      } catch {
        return; // not empty (or gone): stop here
      }
    }
  } finally {
    await folder.close();
  }
}

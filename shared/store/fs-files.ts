import { randomUUID } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { etagOf } from './etag';

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

/** Errors that mean "no object here": missing, or a folder where the key's file would be. */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Writes `body` to a new temporary file, flushed to disk; returns its path, inode and mtime. */
export async function writeTemp(tmpDir: string, body: Buffer | string): Promise<{ file: string; ino: number; mtimeMs: number }> {
  await fs.mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, randomUUID());
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
 * Renames `from` to `to`, creating `to`'s folder. A concurrent delete may remove that folder
 * (it prunes empty folders) between the mkdir and the rename, hence the retries.
 */
export async function renameInto(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    await fs.mkdir(path.dirname(to), { recursive: true });
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Reads a sidecar; `null` when there is none or it does not parse. */
export async function readSidecar(file: string): Promise<Sidecar | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Sidecar>;
    if (typeof parsed.etag !== 'string' || typeof parsed.ino !== 'number' || typeof parsed.size !== 'number' || typeof parsed.mtimeMs !== 'number') return null;
    return parsed as Sidecar;
  } catch {
    return null;
  }
}

/**
 * The body file's metadata, from its sidecar when the sidecar describes this very file, else
 * (a put in progress or a crash between the two renames) retried a few times and finally
 * computed from the content. `null` when there is no body file.
 */
export async function statObject(bodyFile: string, sidecarFile: string, body?: Buffer): Promise<FileInfo | null> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    let stat: Stats;
    try {
      stat = await fs.stat(bodyFile);
    } catch (error) {
      if (isAbsent(error)) return null;
      throw error;
    }
    if (!stat.isFile()) return null;
    const sidecar = await readSidecar(sidecarFile);
    if (sidecar && sidecar.ino === stat.ino && sidecar.size === stat.size && sidecar.mtimeMs === stat.mtimeMs) {
      return { stat, etag: sidecar.etag, contentType: sidecar.contentType };
    }
    await new Promise((resolve) => setTimeout(resolve, 2 * (attempt + 1)));
  }
  try {
    const content = body ?? (await fs.readFile(bodyFile));
    return { stat: await fs.stat(bodyFile), etag: etagOf(content) };
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

/** Removes the now empty folders from `file`'s folder up to (not including) `root`. */
export async function pruneEmptyFolders(file: string, root: string): Promise<void> {
  for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      return; // not empty (or gone): stop here
    }
  }
}

import { constants, promises as fs, statSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError, type StoreOperation } from './errors';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;
/** Opens a folder without following a symbolic link in its last component. */
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
/** Opens a file without following a link, and without blocking on a FIFO planted in its place. */
const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;

/** Where this process's open descriptors appear as paths (Linux). */
const FD_DIR = '/proc/self/fd';
/** What `/proc/self/fd/<n>` appends to the path of an open file that has no name any more. */
const DELETED_SUFFIX = ' (deleted)';

/**
 * A chain of open folders from the store's root down to one folder, each opened relative to the
 * one above with `O_NOFOLLOW`: no symbolic link can be on the way, and a link swapped in after the
 * check cannot redirect anything done through {@link OpenFolder.entry} (the kernel resolves
 * `/proc/self/fd/<n>/<name>` from the open folder itself, as `openat(2)` would).
 */
export interface OpenFolder {
  /** The path that names `name` inside the innermost folder through its descriptor. */
  entry(name: string): string;
  /** The path that names `name` inside the `depth`-th folder of the chain (0 = the root). */
  entryAt(depth: number, name: string): string;
  /** Folders in the chain below the root. */
  readonly depth: number;
  close(): Promise<void>;
}

/**
 * The filesystem store's root as an anchor: every path the store touches is reached from it
 * without following a symbolic link, so a link planted under the root (to `/etc/passwd`, to
 * `/proc/self/environ`, to a folder elsewhere) is never read, written, listed or deleted through.
 * Needs Linux's `/proc/self/fd` (the store runs on Linux: buildah, bubblewrap); see readme.md.
 * @see https://man7.org/linux/man-pages/man2/open.2.html (O_NOFOLLOW)
 * @see https://man7.org/linux/man-pages/man5/proc_pid_fd.5.html
 */
export class AnchoredRoot {
  private realRoot: string | null = null;

  constructor(readonly root: string) {}

  /**
   * Opens `segments` folder by folder below the root (creating them when `create`); `null` when
   * one is missing or is a file. Throws {@link UnsafePathError} when one is a symbolic link.
   */
  async openFolder(operation: StoreOperation, key: string, segments: readonly string[], create: boolean): Promise<OpenFolder | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.openFolderOnce(operation, key, segments, create);
      } catch (error) {
        // A concurrent delete prunes folders it leaves empty: one this open had just entered may
        // be gone, and making a folder inside it fails with ENOENT. Start again from the root.
        if (!(error instanceof ParentRemovedError) || attempt >= 5) throw error instanceof ParentRemovedError ? error.cause : error;
      }
    }
  }

  private async openFolderOnce(operation: StoreOperation, key: string, segments: readonly string[], create: boolean): Promise<OpenFolder | null> {
    if (create) await fs.mkdir(this.root, { recursive: true });
    const handles: FileHandle[] = [];
    try {
      handles.push(await fs.open(this.root, O_RDONLY | O_DIRECTORY));
    } catch (error) {
      if (isMissing(error) && !create) return null;
      throw error;
    }
    const opened = folderOf(handles);
    try {
      for (const segment of segments) {
        const next = opened.entry(segment);
        try {
          handles.push(await fs.open(next, DIR_FLAGS));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ELOOP' || (code === 'ENOTDIR' && (await isLink(next)))) throw new UnsafePathError(operation, key);
          if (code === 'ENOENT' && create) {
            // Made here, then opened like any other: a link raced into its place is still refused.
            await fs
              .mkdir(next)
              .catch((failure: NodeJS.ErrnoException) =>
                failure.code === 'EEXIST' ? undefined : Promise.reject(failure.code === 'ENOENT' ? new ParentRemovedError(failure) : failure),
              );
            handles.push(
              await fs
                .open(next, DIR_FLAGS)
                .catch((failure: NodeJS.ErrnoException) => Promise.reject(failure.code === 'ELOOP' ? new UnsafePathError(operation, key) : failure)),
            );
            continue;
          }
          if (isMissing(error) && !create) {
            await opened.close();
            return null;
          }
          throw error;
        }
      }
      return opened;
    } catch (error) {
      await opened.close();
      throw error;
    }
  }

  /**
   * Opens the file `<root>/<relative>` for reading; `null` when there is none or it is not a
   * regular file. The last component is opened with `O_NOFOLLOW`, and the path the kernel reports
   * for the open descriptor must be exactly the expected one: a symbolic link anywhere on the way
   * (even one back inside the root) or a hard link (a second name for a file elsewhere) throws
   * {@link UnsafePathError}. The check is made on the open file, so no race can slip past it.
   */
  async openFile(operation: StoreOperation, key: string, relative: readonly string[]): Promise<{ handle: FileHandle; stat: Stats } | null> {
    const expected = path.join(await this.real(), ...relative);
    let handle: FileHandle;
    try {
      handle = await fs.open(path.join(this.root, ...relative), FILE_FLAGS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafePathError(operation, key);
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw error;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        return null;
      }
      const actual = await fs.readlink(path.join(FD_DIR, String(handle.fd)));
      // Replaced by a put's rename (or deleted) after the open: what is open is the complete
      // previous version of this very key, a read that happened just before the write.
      if (actual === `${expected}${DELETED_SUFFIX}` && stat.nlink <= 1) return { handle, stat };
      if (actual !== expected || stat.nlink > 1) throw new UnsafePathError(operation, key);
      return { handle, stat };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** The root with its own symbolic links resolved (the data dir may sit behind one: that is the operator's choice). */
  private async real(): Promise<string> {
    if (this.realRoot) return this.realRoot;
    try {
      this.realRoot = await fs.realpath(this.root);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return this.root;
    }
    return this.realRoot;
  }
}

/** The folder a segment was to be made in was removed meanwhile (pruned by a concurrent delete). */
class ParentRemovedError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** Whether this system shows open descriptors as paths, which the store needs. */
export function hasFdPaths(): boolean {
  try {
    return statSync(FD_DIR).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens the folder `name` inside an open folder (`parent` is its `/proc/self/fd/<n>` path)
 * without following a link; `null` when it is not a folder any more (or is a link).
 */
export async function openSubfolder(parent: string, name: string): Promise<FileHandle | null> {
  try {
    return await fs.open(`${parent}/${name}`, DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return null;
    throw error;
  }
}

/** The path of an open descriptor, through which `readdir` and friends reach what it opened. */
export function fdPath(handle: FileHandle): string {
  return `${FD_DIR}/${handle.fd}`;
}

function folderOf(handles: FileHandle[]): OpenFolder {
  return {
    entry: (name) => `${FD_DIR}/${handles[handles.length - 1]!.fd}/${name}`,
    entryAt: (depth, name) => `${FD_DIR}/${handles[depth]!.fd}/${name}`,
    get depth() {
      return handles.length - 1;
    },
    close: async () => {
      await Promise.all(handles.splice(0).map((handle) => handle.close().catch(() => undefined)));
    },
  };
}

async function isLink(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    (stat) => stat.isSymbolicLink(),
    () => false,
  );
}

/** Errors that mean "nothing there": missing, or a file where a folder of the path would be. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

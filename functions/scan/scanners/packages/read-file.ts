import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

/** Package metadata files are small; anything larger is not one. */
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Reads a file of the image as UTF-8 without following a symbolic link in its last component
 * (an absolute link in an image would otherwise point at the host's file), at most `maxBytes`.
 * `null` when it is absent, a link, not a regular file or unreadable: expected misses.
 * @see https://man7.org/linux/man-pages/man2/open.2.html (O_NOFOLLOW)
 */
export async function readImageFile(rootfs: string, relativePath: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string | null> {
  let handle;
  try {
    handle = await open(path.join(rootfs, relativePath), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return null;
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FileSpec } from './types';

const exec = promisify(execFile);

/** Debian's `busybox-static`: one static binary, no libraries to copy. */
export const BUSYBOX_BINARY = '/bin/busybox';

/**
 * A minimal root filesystem in `dir` from the host's static busybox: `/bin/busybox` with a
 * symlink per applet (what `busybox --install -s` makes), `/etc/passwd` and `/etc/group` with
 * root and nobody, `/tmp` (1777), `/root`, `/var`, plus `files`.
 * @see https://busybox.net/FAQ.html#getting_started
 */
export async function busyboxRootfs(dir: string, files: readonly FileSpec[] = []): Promise<string> {
  const root = path.resolve(dir);
  for (const folder of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'tmp', 'var/tmp', 'proc', 'sys', 'dev']) {
    await mkdir(path.join(root, folder), { recursive: true });
  }
  await chmod(path.join(root, 'tmp'), 0o1777);
  await chmod(path.join(root, 'var/tmp'), 0o1777);
  await copyFile(BUSYBOX_BINARY, path.join(root, 'bin/busybox'));
  await chmod(path.join(root, 'bin/busybox'), 0o755);
  const { stdout } = await exec(BUSYBOX_BINARY, ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    const link = path.join(root, applet);
    const target = path.relative(path.dirname(link), path.join(root, 'bin/busybox'));
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(target, link).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
  await addFiles(root, files);
  return root;
}

/** Writes `files` under `root`, making their folders. */
export async function addFiles(root: string, files: readonly FileSpec[]): Promise<void> {
  for (const file of files) {
    const target = path.join(root, file.path);
    if (!target.startsWith(`${root}${path.sep}`)) throw new TypeError(`file path leaves the root filesystem: ${file.path}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    await chmod(target, file.mode ?? 0o644);
  }
}

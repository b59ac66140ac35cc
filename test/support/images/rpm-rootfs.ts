import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { addFiles, busyboxRootfs } from './busybox-rootfs';
import { buildRpm } from './rpm-build';
import type { FileSpec, RpmSpec } from './types';

const exec = promisify(execFile);

export interface RpmRootfsOptions {
  /** `/etc/yum.repos.d/<name>` → content, the repos the image says it uses. */
  repos?: Record<string, string>;
  files?: readonly FileSpec[];
}

/**
 * A busybox root filesystem with `rpms` (specs built with {@link buildRpm}, or `.rpm` paths)
 * installed by `rpm --root DIR --dbpath /var/lib/rpm -i --nodeps --nosignature`, so it holds a
 * real rpmdb at `/var/lib/rpm/rpmdb.sqlite` as on RHEL (Debian's rpm would otherwise put it in
 * `/root/.rpmdb`), and `rpm -Va` against it is clean.
 * @see https://rpm-software-management.github.io/rpm/man/rpm.8.html
 */
export async function rpmRootfs(dir: string, rpms: ReadonlyArray<RpmSpec | string>, options: RpmRootfsOptions = {}): Promise<string> {
  const root = await busyboxRootfs(dir);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ccp-rpms-'));
  try {
    const files: string[] = [];
    for (const rpm of rpms) files.push(typeof rpm === 'string' ? path.resolve(rpm) : await buildRpm(rpm, scratch));
    if (files.length > 0) {
      await exec('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--nosignature', ...files], {
        env: { ...process.env, HOME: scratch },
        timeout: 120_000,
      });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const repos = Object.entries(options.repos ?? {}).map(([name, content]) => ({ path: `/etc/yum.repos.d/${name}`, content }));
  await addFiles(root, [...repos, ...(options.files ?? [])]);
  return root;
}

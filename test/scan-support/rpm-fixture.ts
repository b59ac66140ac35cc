import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { buildRpms, createRepo, installRpms, type TestRpm } from './rpm-build';

/** What the image has installed: the tilde, epoch, plain-update, no-update and verify cases. */
export const INSTALLED: TestRpm[] = [
  { name: 'foo', version: '1.0~rc1', files: [{ path: '/usr/share/foo/readme.txt', content: 'foo rc1\n' }] },
  { name: 'bar', version: '1.0', epoch: 1, files: [{ path: '/usr/share/bar/data', content: 'bar\n' }] },
  {
    name: 'baz',
    version: '1.0',
    files: [
      { path: '/usr/bin/baz', content: '#!/bin/sh\necho baz\n', mode: '0755' },
      { path: '/etc/baz.conf', content: 'setting=1\n', config: true },
      { path: '/usr/share/baz/data', content: 'data\n' },
      { path: '/var/lib/baz/state', content: 'state\n' },
    ],
  },
  { name: 'qux', version: '2.0', files: [{ path: '/usr/share/qux/x', content: 'qux\n' }] },
  { name: 'demo-release', version: '9.0', provides: ['system-release(releasever) = 9'], files: [{ path: '/etc/demo-release', content: 'Demo 9\n' }] },
];

/** What the repository offers: foo 1.0 (> 1.0~rc1), bar 2.0 without epoch (< 1:1.0), baz 1.1, qux 1.0 (older). */
export const AVAILABLE: TestRpm[] = [
  { name: 'foo', version: '1.0' },
  { name: 'bar', version: '2.0' },
  { name: 'baz', version: '1.0' },
  { name: 'baz', version: '1.1' },
  { name: 'qux', version: '1.0' },
];

export interface RpmFixture {
  installed: string[];
  available: string[];
}

/** Builds the installed and available packages once under `dir`. */
export async function buildRpmFixture(dir: string): Promise<RpmFixture> {
  const installed = await buildRpms(path.join(dir, 'build-installed'), INSTALLED);
  const available = await buildRpms(path.join(dir, 'build-available'), AVAILABLE);
  return { installed, available };
}

/** A root filesystem with the packages installed by `rpm --root`, an os-release and these `.repo` files. */
export async function makeRpmRoot(
  rootfs: string,
  packages: string[],
  repoFiles: Record<string, string>,
  osRelease = 'ID="demo"\nVERSION_ID="9.2"\n',
): Promise<void> {
  await mkdir(path.join(rootfs, 'etc', 'yum.repos.d'), { recursive: true });
  await installRpms(rootfs, packages);
  await writeFile(path.join(rootfs, 'etc', 'os-release'), osRelease);
  for (const [name, text] of Object.entries(repoFiles)) await writeFile(path.join(rootfs, 'etc', 'yum.repos.d', name), text);
}

/**
 * A yum repository of these packages in `dir` (createrepo_c). createrepo_c 0.17 cannot write
 * zstd, so for `zstd` the gz primary is recompressed with the zstd CLI and repomd.xml rewritten.
 */
export async function makeRepo(dir: string, packages: string[], compression: 'gz' | 'xz' | 'zstd' | 'bz2' = 'gz'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(packages.map((file) => copyFile(file, path.join(dir, path.basename(file)))));
  await createRepo(dir, { compression: compression === 'zstd' ? 'gz' : compression });
  if (compression === 'zstd') await recompressPrimaryAsZstd(dir);
}

async function recompressPrimaryAsZstd(dir: string): Promise<void> {
  const repomdFile = path.join(dir, 'repodata', 'repomd.xml');
  const repomd = await readFile(repomdFile, 'utf8');
  const block = /<data type="primary">[\s\S]*?<\/data>/.exec(repomd)![0];
  const href = /href="([^"]+)"/.exec(block)![1];
  const xml = gunzipSync(await readFile(path.join(dir, href)));
  const zst = execFileSync('zstd', ['-q', '-c'], { input: xml });
  const sha = createHash('sha256').update(zst).digest('hex');
  const newHref = `repodata/${sha}-primary.xml.zst`;
  await writeFile(path.join(dir, newHref), zst);
  await rm(path.join(dir, href));
  const newBlock = block
    .replace(/href="[^"]+"/, `href="${newHref}"`)
    .replace(/<checksum type="sha256">[^<]+<\/checksum>/, `<checksum type="sha256">${sha}</checksum>`)
    .replace(/<size>\d+<\/size>/, `<size>${zst.length}</size>`);
  await writeFile(repomdFile, repomd.replace(block, newBlock));
}

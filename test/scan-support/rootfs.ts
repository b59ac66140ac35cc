import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../shared/log/logger';
import type { ImageConfig, ScanEnvironment, ScanTarget } from '../../shared/reports/scanner-types';

/** A file of a test rootfs: its text, or `{symlink}` for a symbolic link. */
export type TreeFile = string | { symlink: string };

/** Writes `files` (paths relative to `root`) into `root`, folders included. */
export async function writeTree(root: string, files: Record<string, TreeFile>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof content === 'string') await writeFile(file, content);
    else await symlink(content.symlink, file);
  }
}

/** A fresh temporary folder holding `files`, as a scanner's rootfs. */
export async function makeRootfs(files: Record<string, TreeFile>): Promise<{ rootfs: string; remove(): Promise<void> }> {
  const rootfs = await mkdtemp(path.join(os.tmpdir(), 'ccp-rootfs-'));
  await writeTree(rootfs, files);
  return { rootfs, remove: () => rm(rootfs, { recursive: true, force: true }) };
}

/** A scan target over a rootfs folder. */
export function scanTarget(rootfs: string, config: ImageConfig = {}, imageRef = '127.0.0.1:5000/team/app:latest'): ScanTarget {
  return { rootfs, imageRef, config };
}

/** A scan environment for tests: the given registries, no rewriting unless asked, a short timeout. */
export function scanEnvironment(registries: ScanEnvironment['registries'], overrides: Partial<ScanEnvironment> = {}): ScanEnvironment {
  return { log: silentLogger, cacheDir: os.tmpdir(), rewriteUrl: (url) => url, registries, timeoutMs: 2000, ...overrides };
}

/** A core metadata file (`METADATA` / `PKG-INFO`) of a Python distribution. */
export function pythonMetadata(name: string, version: string): string {
  return `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: test package\n\nLong description\nVersion: 0.0.0\n`;
}

/** An installed gem's specification, as `gem install` writes it. */
export function gemspec(name: string, version: string, platform?: string): string {
  return [
    '# -*- encoding: utf-8 -*-',
    `# stub: ${name} ${version} ${platform ?? 'ruby'} lib`,
    '',
    'Gem::Specification.new do |s|',
    `  s.name = "${name}".freeze`,
    `  s.version = "${version}"`,
    ...(platform ? [`  s.platform = "${platform}".freeze`] : []),
    '  s.require_paths = ["lib".freeze]',
    'end',
    '',
  ].join('\n');
}

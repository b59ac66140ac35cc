import { findGems } from './gem-updates/find-packages';
import { findNpmPackages } from './npm-updates/find-packages';
import { findPythonPackages } from './pip-updates/find-packages';
import type { FoundPackage } from './packages/check-updates';
import { loadRepo, type LoadedRepo } from '../../../shared/rpm/repo-metadata';
import { readRepoFiles, type RepoDefinition } from '../../../shared/rpm/repo-files';
import { readOsRelease } from '../../../shared/rpm/repo-vars';
import { locateRpmdb, readReleasever, readRpmdb, readRpmdbPackages, type Rpmdb } from '../../../shared/rpm/rpmdb';
import type { ScanEnvironment, ScanTarget } from '../../../shared/reports/scanner-types';

/**
 * What several scanners read from the image and its repositories, each read through the scan's
 * memo (`env.memo`) when the scan gives one, so that scanners running together read it once, and
 * straight away when a scanner runs alone. Keys name what is read and the root it is read from.
 * What these return is shared between scanners: callers must not change it.
 */

const keyOf = (what: string, target: ScanTarget, detail = ''): string => `${what}\u0000${target.rootfs}\u0000${detail}`;

/**
 * The image's rpmdb (`null` without one), its `system-release(releasever)` provide asked only
 * when `releasever` is true. In a scan the package list and the provide are two keys, so a
 * scanner that needs no `$releasever` does not make the others wait for it, nor read it for them.
 * @see https://rpm-software-management.github.io/rpm/manual/queryformat.html
 */
export async function imageRpmdb(target: ScanTarget, env: ScanEnvironment, options: { releasever: boolean }): Promise<Rpmdb | null> {
  const { memo } = env;
  if (!memo) return readRpmdb(target.rootfs, { releasever: options.releasever, ...(env.signal ? { signal: env.signal } : {}) });
  const location = memo.get(keyOf('rpmdb location', target), () => locateRpmdb(target.rootfs));
  if (!location) return null;
  const [packages, releasever] = await Promise.all([
    memo.get(keyOf('rpmdb packages', target), (signal) => readRpmdbPackages(target.rootfs, location, signal)),
    options.releasever ? memo.get(keyOf('rpmdb releasever', target), (signal) => readReleasever(target.rootfs, location, signal)) : undefined,
  ]);
  return { ...location, packages, ...(releasever ? { releasever } : {}) };
}

/** The image's `/etc/os-release` fields. */
export function imageOsRelease(target: ScanTarget, env: ScanEnvironment): Record<string, string> {
  return env.memo ? env.memo.get(keyOf('os-release', target), () => readOsRelease(target.rootfs)) : readOsRelease(target.rootfs);
}

/** The repositories the image's `.repo` files define, expanded with `vars`. */
export function imageRepoFiles(target: ScanTarget, env: ScanEnvironment, vars: Record<string, string>): RepoDefinition[] {
  const read = (): RepoDefinition[] => readRepoFiles(target.rootfs, vars);
  return env.memo ? env.memo.get(keyOf('repo files', target, JSON.stringify(vars)), read) : read();
}

/**
 * A repository's metadata (repomd, then primary, cached by checksum in `env.cacheDir`): in a
 * scan, once per address (id, base URLs, mirrorlist, metalink), its rejection shared alike.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-options
 */
export function imageRepo(target: ScanTarget, env: ScanEnvironment, repo: RepoDefinition): Promise<LoadedRepo> {
  if (!env.memo) return loadRepo(repo, env);
  return env.memo.get(keyOf('repo', target, repoAddress(repo)), () => loadRepo(repo, env));
}

/** What a repo is fetched from: two definitions with the same address load the same metadata. */
export function repoAddress(repo: RepoDefinition): string {
  return JSON.stringify([repo.id, repo.baseurls, repo.mirrorlist ?? null, repo.metalink ?? null]);
}

const FINDERS = { pypi: findPythonPackages, npm: findNpmPackages, gem: findGems } as const;

/** The language packages installed in the image (one walk of the tree per ecosystem). */
export function imageLanguagePackages(target: ScanTarget, env: ScanEnvironment, ecosystem: keyof typeof FINDERS): Promise<FoundPackage[]> {
  const find = FINDERS[ecosystem];
  return env.memo ? env.memo.get(keyOf('language packages', target, ecosystem), () => find(target.rootfs)) : find(target.rootfs);
}

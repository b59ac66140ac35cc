import type { RepoPackage } from './primary-parser';
import type { RpmPackage } from './rpmdb';
import { compareEvr, type Evr } from './rpmvercmp';

/** A newer package than the installed one, and the repo that has it. */
export interface AvailableUpdate {
  installed: RpmPackage;
  available: RepoPackage;
  repo: string;
}

const key = (name: string, arch: string): string => `${name}\u0000${arch}`;

/**
 * For each installed name.arch (the newest installed when several are, as with kernels), the
 * newest package across `repos` with the same name and a compatible arch (the same arch, or
 * `noarch` either way), when it is newer by EVR. Ties between repos go to the first repo listed.
 * @see https://dnf.readthedocs.io/en/latest/command_ref.html#check-update-command
 */
export function findUpdates(installed: RpmPackage[], repos: { id: string; packages: RepoPackage[] }[]): AvailableUpdate[] {
  const newest = new Map<string, { pkg: RepoPackage; repo: string }>();
  const archesByName = new Map<string, Set<string>>();
  for (const repo of repos) {
    for (const pkg of repo.packages) {
      const arches = archesByName.get(pkg.name) ?? new Set<string>();
      arches.add(pkg.arch);
      archesByName.set(pkg.name, arches);
      const k = key(pkg.name, pkg.arch);
      const current = newest.get(k);
      if (!current || compareEvr(pkg, current.pkg) > 0) newest.set(k, { pkg, repo: repo.id });
    }
  }
  const installedNewest = new Map<string, RpmPackage>();
  for (const pkg of installed) {
    const k = key(pkg.name, pkg.arch);
    const current = installedNewest.get(k);
    if (!current || compareEvr(pkg, current) > 0) installedNewest.set(k, pkg);
  }
  const updates: AvailableUpdate[] = [];
  for (const pkg of installedNewest.values()) {
    const arches = pkg.arch === 'noarch' ? ['noarch', ...(archesByName.get(pkg.name) ?? [])] : [pkg.arch, 'noarch'];
    let best: { pkg: RepoPackage; repo: string } | undefined;
    for (const arch of new Set(arches)) {
      const candidate = newest.get(key(pkg.name, arch));
      if (candidate && (!best || compareEvr(candidate.pkg, best.pkg) > 0)) best = candidate;
    }
    if (best && compareEvr(best.pkg, pkg as Evr) > 0) updates.push({ installed: pkg, available: best.pkg, repo: best.repo });
  }
  return updates.sort((a, b) => (a.installed.name < b.installed.name ? -1 : a.installed.name > b.installed.name ? 1 : 0));
}

/** Identity of an exact package build, to tell which repos carry what is installed. */
export function nevra(pkg: { name: string; arch: string } & Evr): string {
  return `${pkg.name}-${pkg.epoch}:${pkg.version}-${pkg.release}.${pkg.arch}`;
}

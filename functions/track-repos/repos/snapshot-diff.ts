import type { PackageChange } from '../../../shared/events/types';
import type { RepoPackage } from '../../../shared/rpm/primary-parser';
import { compareEvr, formatEvr, parseEvr } from '../../../shared/rpm/rpmvercmp';

/**
 * `name.arch` → the newest EVR the repository carries (a repository often keeps several builds
 * of a package; only the newest can be an update), compared by rpm's rules.
 * @see https://github.com/rpm-software-management/rpm/blob/master/rpmio/rpmvercmp.c
 */
export function newestByNameArch(packages: readonly RepoPackage[]): Record<string, string> {
  const newest = new Map<string, RepoPackage>();
  for (const pkg of packages) {
    const id = `${pkg.name}.${pkg.arch}`;
    const known = newest.get(id);
    if (!known || compareEvr(pkg, known) > 0) newest.set(id, pkg);
  }
  const result: Record<string, string> = {};
  for (const id of [...newest.keys()].sort()) result[id] = formatEvr(newest.get(id)!);
  return result;
}

/** What changed between two snapshots of one repository. */
export interface SnapshotDiff {
  /** `name.arch` of packages the repository did not carry before. */
  added: string[];
  /** Packages whose newest EVR went up (`name` without the arch; one entry per arch that changed). */
  updated: PackageChange[];
  /** `name.arch` of packages it no longer carries. */
  removed: string[];
}

function splitId(id: string): string {
  const dot = id.lastIndexOf('.');
  return dot > 0 ? id.slice(0, dot) : id;
}

/**
 * The difference between two `newestByNameArch` snapshots. A newest EVR that went down (a build
 * pulled from the repository) is not an update: no image gets anything newer from it, so it is
 * left out rather than rebuild images for it.
 */
export function diffSnapshots(before: Record<string, string>, after: Record<string, string>, repoName: string): SnapshotDiff {
  const added: string[] = [];
  const updated: PackageChange[] = [];
  const removed: string[] = [];
  for (const [id, to] of Object.entries(after)) {
    const from = before[id];
    if (from === undefined) added.push(id);
    else if (compareEvr(parseEvr(to), parseEvr(from)) > 0) updated.push({ name: splitId(id), from, to, repo: repoName });
  }
  for (const id of Object.keys(before)) if (!(id in after)) removed.push(id);
  return { added: added.sort(), updated, removed: removed.sort() };
}

/** True when a diff holds nothing. */
export function isEmptyDiff(diff: SnapshotDiff): boolean {
  return diff.added.length === 0 && diff.updated.length === 0 && diff.removed.length === 0;
}

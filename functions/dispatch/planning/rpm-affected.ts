import { describePackageChange } from '../../../shared/events/package-change';
import type { PackageChange, RpmRepoChangedData } from '../../../shared/events/types';
import type { ImageState } from '../../../shared/reports/image-state';

/** `[epoch:]version-release` of an installed rpm, as repository metadata writes it. */
function installedEvr(pkg: ImageState['packages'][number]): string {
  const epoch = pkg.qualifiers?.epoch && pkg.qualifiers.epoch !== '0' ? `${pkg.qualifiers.epoch}:` : '';
  const release = pkg.qualifiers?.release ? `-${pkg.qualifiers.release}` : '';
  return `${epoch}${pkg.version}${release}`;
}

function stripEpochZero(evr: string): string {
  return evr.replace(/^0:/, '');
}

/** Whether the image configures the changed repository (any when its repos are unknown). */
function usesRepo(state: ImageState, repo: RpmRepoChangedData['repo']): boolean {
  if (state.repos.length === 0) return true;
  const wanted = repo.url.replace(/\/+$/, '');
  return state.repos.some((candidate) => {
    const fields = candidate as { id?: unknown; baseurl?: unknown; url?: unknown };
    const urls = [fields.baseurl, fields.url].flat().filter((url): url is string => typeof url === 'string');
    return fields.id === repo.key || urls.some((url) => url.replace(/\/+$/, '') === wanted);
  });
}

/**
 * The updates of `change` that `state`'s image has installed at another version than the one
 * now available (one per package), with the installed version as `from`; `[]` when the image
 * lacks every updated package or does not use the repository.
 * @see https://rpm-software-management.github.io/rpm/manual/dependencies.html (EVR)
 */
export function updatesForImage(state: ImageState, change: RpmRepoChangedData): PackageChange[] {
  if (!usesRepo(state, change.repo)) return [];
  const updates = new Map(change.updated.map((update) => [update.name, update]));
  const found: PackageChange[] = [];
  for (const pkg of state.packages) {
    if (pkg.ecosystem !== 'rpm') continue;
    const update = updates.get(pkg.name);
    if (!update) continue;
    const installed = installedEvr(pkg);
    if (stripEpochZero(installed) === stripEpochZero(update.to)) continue;
    found.push({ name: pkg.name, from: installed, to: update.to, repo: update.repo ?? change.repo.key });
    updates.delete(pkg.name);
  }
  return found;
}

/** "openssl 3.0.7-24 → 3.0.7-25 in repo baseos" ("requests 2.25.0 → 2.31.0 (PyPI)"), the first three, for a cause message. */
export function describeUpdates(updates: readonly PackageChange[]): string {
  const shown = updates.slice(0, 3).map(describePackageChange);
  return updates.length > 3 ? `${shown.join(', ')} and ${updates.length - 3} more` : shown.join(', ');
}

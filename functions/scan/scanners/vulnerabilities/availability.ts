import { PackageRegistryClient, RegistryUnreachableError } from '../../../../shared/package-registries/registry-client';
import { isRegistryEcosystem, registryVersions } from '../../../../shared/package-registries/registry-lookup';
import { newestVersion, type RegistryVersions } from '../../../../shared/package-registries/registry-versions';
import { ecosystemRules } from '../../../../shared/osv/ecosystems';
import { findUpdates, type AvailableUpdate } from '../../../../shared/rpm/find-updates';
import type { LoadedRepo } from '../../../../shared/rpm/repo-metadata';
import { resolveRepoVars } from '../../../../shared/rpm/repo-vars';
import type { Rpmdb } from '../../../../shared/rpm/rpmdb';
import { formatEvr } from '../../../../shared/rpm/rpmvercmp';
import type { ScanEnvironment, ScanTarget } from '../../../../shared/reports/scanner-types';
import { imageRepo, imageRepoFiles } from '../image-reads';
import type { InventoryItem } from './inventory';

/** The newest version an install could move to now, and where it comes from. */
export interface Available {
  /** In the ecosystem's form (RPMs `epoch:version-release`), comparable with an advisory's fix. */
  version: string;
  /** As people read it. */
  display: string;
  /** The repo id (RPMs) or the registry's name. */
  from: string;
}

/** Where newer versions come from: the image's own RPM repos, and the language registries. */
export interface AvailabilityReader {
  /** The newest version `item` could be updated to (itself when nothing is newer), or `null` when that could not be learnt. */
  newest(item: InventoryItem): Promise<Available | null>;
  /** Starts reading the image's RPM repos now, so the download overlaps the matching. */
  prefetch(): void;
  notes: string[];
}

/**
 * Reads the repos the image enables (as rpm-updates does: `.repo` files expanded with the
 * rpmdb's `$releasever`, metadata cached by checksum; in a scan, the very reads rpm-updates makes)
 * once, on the first RPM asked about, and
 * the language registries per package, once per name. Unreachable sources become notes; their
 * packages' fixes count as not available.
 * @see https://dnf.readthedocs.io/en/latest/command_ref.html#check-update-command
 */
export function availabilityReader(target: ScanTarget, env: ScanEnvironment, rpmdb: Rpmdb | null): AvailabilityReader {
  const notes: string[] = [];
  /** Newer packages than the installed ones, by `name.arch`, computed once over every installed RPM. */
  let updates: Promise<Map<string, AvailableUpdate>> | null = null;
  const client = new PackageRegistryClient(env);

  const loadUpdates = async (db: Rpmdb): Promise<Map<string, AvailableUpdate>> => {
    const vars = resolveRepoVars(target.rootfs, db.packages, db.releasever, env.rpm);
    const enabled = imageRepoFiles(target, env, vars).filter((repo) => repo.enabled);
    if (enabled.length === 0) notes.push('the image enables no RPM repositories: no RPM fix counts as available');
    const settled = await Promise.allSettled(enabled.map((repo) => imageRepo(target, env, repo)));
    for (const result of settled)
      if (result.status === 'rejected') notes.push(`${(result.reason as Error).message}; its packages were not counted as available`);
    const loaded: LoadedRepo[] = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    return new Map(findUpdates(db.packages, loaded).map((update) => [`${update.installed.name}.${update.installed.arch}`, update]));
  };

  const registry = async (item: InventoryItem): Promise<Available | null> => {
    const { rules } = ecosystemRules(item.ecosystem);
    const prereleases = rules.isPrerelease(item.version);
    let known: RegistryVersions | null;
    try {
      known = isRegistryEcosystem(item.ecosystem) ? await registryVersions(client, env.registries, item.ecosystem, item.name, prereleases) : null;
    } catch (error) {
      if (!(error instanceof RegistryUnreachableError)) throw error;
      notes.push(`${item.ecosystem} registry unreachable (${error.message}): ${item.name}'s fix not counted as available`);
      return null;
    }
    if (!known) return null;
    const newest = newestVersion(item.version, known, rules) ?? item.version;
    return { version: newest, display: newest, from: item.ecosystem };
  };

  return {
    notes,
    prefetch() {
      if (!rpmdb || updates) return;
      updates = loadUpdates(rpmdb);
      // A scan that ends before asking (no export stored) must not leave a rejection unheard.
      updates.catch(() => undefined);
    },
    async newest(item) {
      if (!item.rpm) return registry(item);
      if (!rpmdb) return null;
      updates ??= loadUpdates(rpmdb);
      const update = (await updates).get(item.label);
      if (!update) return { version: item.version, display: item.displayVersion, from: 'installed' };
      return {
        version: `${update.available.epoch}:${update.available.version}-${update.available.release}`,
        display: formatEvr(update.available),
        from: update.repo,
      };
    },
  };
}

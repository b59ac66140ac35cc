import { RepoUnreachableError, type LoadedRepo } from '../../../../shared/rpm/repo-metadata';
import type { RepoDefinition } from '../../../../shared/rpm/repo-files';
import { listRootDir, readRootFile, resolveRepoVars } from '../../../../shared/rpm/repo-vars';
import { locateRpmdb } from '../../../../shared/rpm/rpmdb';
import { imageOsRelease, imageRepo, imageRepoFiles, imageRpmdb, repoAddress } from '../image-reads';
import { rpmInstalledPackage } from './installed-package';
import { formatEvr } from '../../../../shared/rpm/rpmvercmp';
import type { ScanFinding, Scanner, ScannerResult } from '../../../../shared/reports/scanner-types';
import { findUpdates, nevra } from '../../../../shared/rpm/find-updates';
import type { RepoUsage } from '../../../../shared/rpm/repo-usage';

export type { RepoUsage };

function usage(repo: RepoDefinition, loaded: PromiseSettledResult<LoadedRepo> | undefined, installedNevras: Map<string, string>): RepoUsage {
  const base: RepoUsage = {
    id: repo.id,
    name: repo.name,
    file: repo.file,
    enabled: repo.enabled,
    baseurls: repo.baseurls,
    ...(repo.mirrorlist ? { mirrorlist: repo.mirrorlist } : {}),
    ...(repo.metalink ? { metalink: repo.metalink } : {}),
    status: repo.enabled ? 'ok' : 'disabled',
  };
  if (!loaded) return base;
  if (loaded.status === 'rejected') return { ...base, status: 'unreachable', error: (loaded.reason as Error).message };
  const { value } = loaded;
  const installed = value.packages
    .map(nevra)
    .filter((id) => installedNevras.has(id))
    .map((id) => installedNevras.get(id)!);
  return {
    ...base,
    baseurl: value.baseurl,
    ...(value.revision ? { revision: value.revision } : {}),
    primaryChecksum: value.primaryChecksum,
    packageCount: value.packages.length,
    installed: [...new Set(installed)].sort(),
  };
}

/** `promise` as `Promise.allSettled` reports it, so one that is never awaited rejects nobody. */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/** Whether any `.repo` file uses `$releasever` (else the rpmdb need not be asked for it). */
function mentionsReleasever(rootfs: string): boolean {
  return listRootDir(rootfs, 'etc/yum.repos.d').some(
    (name) => name.endsWith('.repo') && (readRootFile(rootfs, `etc/yum.repos.d/${name}`) ?? '').includes('releasever'),
  );
}

/**
 * rpm-updates: the installed RPMs (from the image's rpmdb) against the newest versions in the
 * repositories the image itself configures, compared by rpm's EVR rules. Skipped without an
 * rpmdb; `failed` when every enabled repo is unreachable; `ok` with a note when only some are.
 * @see https://dnf.readthedocs.io/en/latest/command_ref.html#check-update-command
 */
export const rpmUpdatesScanner: Scanner = {
  id: 'rpm-updates',
  version: '1.0.0',
  description: 'Installed RPMs with a newer version in the repositories the image configures (/etc/yum.repos.d).',
  async scan(target, env): Promise<ScannerResult> {
    // The repositories' metadata is fetched while rpm reads the rpmdb, with the variables the
    // rpmdb most likely gives ($basearch x86_64, $releasever from os-release); a repo whose URLs
    // come out otherwise once the rpmdb is read is fetched again with the right ones. Without an
    // rpmdb nothing is fetched. In a scan the rpmdb, the repo files and each repo's metadata come
    // through the scan's memo (image-reads.ts), shared with the vulnerabilities scanner.
    const speculate = locateRpmdb(target.rootfs) !== null;
    const early = new Map(
      (speculate ? imageRepoFiles(target, env, resolveRepoVars(target.rootfs, [], undefined, env.rpm)) : [])
        .filter((repo) => repo.enabled)
        .map((repo) => [repoAddress(repo), settle(imageRepo(target, env, repo))] as const),
    );
    const db = await imageRpmdb(target, env, { releasever: !env.rpm?.releasever && mentionsReleasever(target.rootfs) });
    if (!db) return { status: 'skipped', reason: 'no rpmdb', findings: [], packages: [] };
    const osRelease = imageOsRelease(target, env);
    const packages = db.packages.map((pkg) => rpmInstalledPackage(pkg, osRelease));
    const vars = resolveRepoVars(target.rootfs, db.packages, db.releasever, env.rpm);
    const repos = imageRepoFiles(target, env, vars);
    const enabled = repos.filter((repo) => repo.enabled);
    const settled = await Promise.all(enabled.map((repo) => early.get(repoAddress(repo)) ?? settle(imageRepo(target, env, repo))));
    const loadedById = new Map(enabled.map((repo, i) => [repo.id, settled[i]]));
    const installedNevras = new Map(db.packages.map((pkg) => [nevra(pkg), `${pkg.name}.${pkg.arch}`]));
    const loaded = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const down = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    down.forEach((error) => env.log.warn('rpm repo unreachable', { error: error.message }));

    const findings: ScanFinding[] = findUpdates(db.packages, loaded).map((update) => {
      const installed = formatEvr(update.installed);
      const available = formatEvr(update.available);
      return {
        id: `${update.installed.name}.${update.installed.arch}`,
        severity: 'low',
        title: `${update.installed.name}.${update.installed.arch} ${installed} → ${available} (${update.repo})`,
        details: { name: update.installed.name, arch: update.installed.arch, installed, available, availableArch: update.available.arch, repo: update.repo },
      };
    });
    const extra = {
      rpmdb: { dbpath: db.dbpath, backend: db.backend },
      vars: { releasever: vars.releasever ?? null, basearch: vars.basearch },
      repos: repos.map((repo) => usage(repo, loadedById.get(repo.id), installedNevras)),
    };
    const notes: string[] = [];
    if (enabled.length === 0) notes.push('the image enables no repositories: nothing to compare against');
    if (down.length > 0 && loaded.length > 0) notes.push(...down.map((error) => `${error.message}; its packages were not compared`));
    if (down.length > 0 && loaded.length === 0) {
      const names = down.map((error) => (error instanceof RepoUnreachableError ? error.repoId : error.message)).join(', ');
      return {
        status: 'failed',
        reason: `every enabled repo is unreachable (${names}): ${down.map((error) => error.message).join('; ')}`,
        findings: [],
        packages,
        extra,
        notes,
      };
    }
    return { status: 'ok', findings, packages, extra, ...(notes.length > 0 ? { notes } : {}) };
  },
};

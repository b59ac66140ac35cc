import type { FoundPackage } from '../packages/check-updates';
import { imageLanguagePackages, imageOsRelease, imageRpmdb } from '../image-reads';
import { rpmEcosystemOf, type OsvEcosystem } from '../../../../shared/osv/ecosystems';
import type { Rpmdb, RpmPackage } from '../../../../shared/rpm/rpmdb';
import { rpmInstalledPackage } from '../rpm-updates/installed-package';
import { formatEvr } from '../../../../shared/rpm/rpmvercmp';
import type { ScanEnvironment, ScanTarget } from '../../../../shared/reports/scanner-types';

/** One installed package as the advisory index is asked about it. */
export interface InventoryItem {
  ecosystem: OsvEcosystem;
  /** The name advisories use: the binary RPM name, or the language package's name. */
  name: string;
  /** The version in the ecosystem's own form: RPMs as `epoch:version-release`, the epoch always written. */
  version: string;
  /** What the report shows: `openssl-libs.x86_64`, `requests`. */
  label: string;
  /** The version as people read it (`1:3.0.7-24.el9`, the 0 epoch left out). */
  displayVersion: string;
  purl: string;
  /** The distribution release advisories are filtered by (RPMs only). */
  release?: string;
  /** RPMs: the installed package, for the repo look-up; also its source package's name, which some advisories use. */
  rpm?: RpmPackage & { sourceName?: string };
  /** Language packages: where they are installed. */
  locations?: string[];
}

export interface Inventory {
  items: InventoryItem[];
  rpmdb: Rpmdb | null;
  notes: string[];
}

/** `openssl-3.0.7-24.el9.src.rpm` → `openssl`. */
function sourceName(sourcerpm: string | undefined): string | undefined {
  const match = sourcerpm ? /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourcerpm) : null;
  return match?.[1];
}

function languageItems(ecosystem: OsvEcosystem, found: FoundPackage[]): InventoryItem[] {
  const byInstall = new Map<string, InventoryItem>();
  for (const pkg of found) {
    const key = `${pkg.name}@${pkg.version}`;
    const item = byInstall.get(key);
    if (item) item.locations!.push(pkg.location);
    else
      byInstall.set(key, {
        ecosystem,
        name: pkg.name,
        version: pkg.version,
        label: pkg.name,
        displayVersion: pkg.version,
        purl: pkg.purl,
        locations: [pkg.location],
      });
  }
  return [...byInstall.values()];
}

/**
 * What the image has installed, in the terms of OSV ecosystems: RPMs from the rpmdb (under the
 * ecosystem of the distribution, from os-release), Python distributions, npm packages and gems
 * from their metadata, found by the same readers as the update scanners (in a scan, the same
 * reads: `env.memo`).
 * @see https://ossf.github.io/osv-schema/#affectedpackage-field
 */
export async function readInventory(target: ScanTarget, env: ScanEnvironment): Promise<Inventory> {
  const notes: string[] = [];
  const [db, python, npm, gems] = await Promise.all([
    imageRpmdb(target, env, { releasever: true }),
    imageLanguagePackages(target, env, 'pypi'),
    imageLanguagePackages(target, env, 'npm'),
    imageLanguagePackages(target, env, 'gem'),
  ]);
  const items: InventoryItem[] = [];
  if (db && db.packages.length > 0) {
    const osRelease = imageOsRelease(target, env);
    const ecosystem = rpmEcosystemOf(osRelease);
    if (!ecosystem) {
      notes.push(
        `the image's distribution (os-release ID ${osRelease.ID ? `"${osRelease.ID}"` : 'missing'}) is none of Red Hat, AlmaLinux, Rocky Linux: its RPMs were not matched`,
      );
    } else {
      for (const pkg of db.packages) {
        const name = sourceName(pkg.sourcerpm);
        items.push({
          ecosystem,
          name: pkg.name,
          version: `${pkg.epoch}:${pkg.version}-${pkg.release}`,
          label: `${pkg.name}.${pkg.arch}`,
          displayVersion: formatEvr(pkg),
          purl: rpmInstalledPackage(pkg, osRelease).purl,
          ...(osRelease.VERSION_ID ? { release: osRelease.VERSION_ID } : {}),
          rpm: { ...pkg, ...(name && name !== pkg.name ? { sourceName: name } : {}) },
        });
      }
    }
  }
  items.push(...languageItems('PyPI', python), ...languageItems('npm', npm), ...languageItems('RubyGems', gems));
  return { items, rpmdb: db, notes };
}

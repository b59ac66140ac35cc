import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveInRoot } from '../rootfs/safe-path';
import { runCommand } from '../process/run-process';

/** One installed package as the rpmdb records it. */
export interface RpmPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  vendor?: string;
  sourcerpm?: string;
}

/** Where an image keeps its rpmdb and in which format. */
export interface RpmdbLocation {
  /** `--dbpath` inside the root, e.g. `/var/lib/rpm` or `/usr/lib/sysimage/rpm`. */
  dbpath: string;
  /** `sqlite` (RHEL 9, Fedora 33+), `bdb` (RHEL 7/8, read with `bdb_ro`) or `ndb` (SUSE). */
  backend: 'sqlite' | 'bdb' | 'ndb';
}

export interface Rpmdb extends RpmdbLocation {
  packages: RpmPackage[];
  /** The `system-release(releasever)` provide, what dnf and yum take as `$releasever`. */
  releasever?: string;
}

/** The rpmdb exists but this host's rpm cannot read it, or rpm failed on it. */
export class RpmdbError extends Error {
  override readonly name = 'RpmdbError';
}

const DB_DIRS = ['var/lib/rpm', 'usr/lib/sysimage/rpm'];
const BACKEND_FILES: [string, RpmdbLocation['backend']][] = [
  ['rpmdb.sqlite', 'sqlite'],
  ['Packages', 'bdb'],
  ['Packages.db', 'ndb'],
];

/**
 * Finds the rpmdb of an unpacked image (`/var/lib/rpm` or `/usr/lib/sysimage/rpm`, symbolic links
 * resolved inside the root) and its backend by the files in it; `null` when the image has none.
 * @see https://rpm-software-management.github.io/rpm/manual/macros.html (`_dbpath`, `_db_backend`)
 */
export function locateRpmdb(rootfs: string): RpmdbLocation | null {
  for (const dir of DB_DIRS) {
    const real = resolveInRoot(rootfs, dir);
    for (const [file, backend] of BACKEND_FILES) {
      const candidate = path.join(real, file);
      if (existsSync(candidate) && statSync(candidate).size > 0) return { dbpath: `/${path.relative(rootfs, real)}`, backend };
    }
  }
  return null;
}

/** The rpm arguments that read this image's database: root, dbpath and, for Berkeley DB, `bdb_ro`. */
export function rpmRootArgs(rootfs: string, location: RpmdbLocation): string[] {
  const args = ['--root', rootfs, '--dbpath', location.dbpath];
  if (location.backend === 'bdb') args.push('--define', '_db_backend bdb_ro');
  return args;
}

/** rpm with a neutral HOME, so no `~/.rpmmacros` of the host changes what it reads. */
export function rpmEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: '/nonexistent', LANG: 'C' };
}

const FIELDS = ['NAME', 'EPOCHNUM', 'VERSION', 'RELEASE', 'ARCH', 'VENDOR', 'SOURCERPM'];
const QUERY_FORMAT = `${FIELDS.map((field) => `%{${field}}`).join('\\t')}\\n`;
const RELEASEVER = 'system-release(releasever)';

/**
 * Reads the installed packages of an unpacked image with the host's `rpm --root … -qa` (which
 * reads SQLite and, with `bdb_ro`, Berkeley DB rpmdbs) and a tab-separated query format; `null`
 * when the image has no rpmdb. gpg-pubkey pseudo-packages are left out. `releasever: false` skips
 * the second query, for the `system-release(releasever)` provide, when nothing needs it.
 * @see https://rpm-software-management.github.io/rpm/manual/queryformat.html
 */
export async function readRpmdb(rootfs: string, options: { releasever?: boolean; signal?: AbortSignal } = {}): Promise<Rpmdb | null> {
  const location = locateRpmdb(rootfs);
  if (!location) return null;
  const [packages, releasever] = await Promise.all([
    readRpmdbPackages(rootfs, location, options.signal),
    options.releasever === false ? undefined : readReleasever(rootfs, location, options.signal),
  ]);
  return { ...location, packages, ...(releasever ? { releasever } : {}) };
}

/** rpm's arguments for a query of this image's rpmdb; throws {@link RpmdbError} for an ndb rpmdb, which the host's rpm cannot read. */
function queryArgs(rootfs: string, location: RpmdbLocation): string[] {
  if (location.backend === 'ndb') throw new RpmdbError(`the rpmdb in ${location.dbpath} is in the ndb format, which this host's rpm cannot read`);
  // Header digests and signatures guard packages in transit; checking them on every header of a
  // database we only read costs more than the query itself.
  return [...rpmRootArgs(rootfs, location), '--nodigest', '--nosignature'];
}

/**
 * The installed packages of the rpmdb at `location` (one `rpm -qa`), sorted by name and arch;
 * throws {@link RpmdbError} when rpm cannot read it.
 * @see https://rpm-software-management.github.io/rpm/manual/queryformat.html
 */
export async function readRpmdbPackages(rootfs: string, location: RpmdbLocation, signal?: AbortSignal): Promise<RpmPackage[]> {
  const all = await runCommand('rpm', [...queryArgs(rootfs, location), '-qa', '--qf', QUERY_FORMAT], { env: rpmEnv(), ...(signal ? { signal } : {}) });
  if (all.code !== 0) throw new RpmdbError(`rpm -qa on the rpmdb in ${location.dbpath} failed (exit ${all.code}): ${all.stderr.trim()}`);
  return parseQueryOutput(all.stdout);
}

/**
 * The version of the installed package that provides `system-release(releasever)`, what dnf
 * and yum take as `$releasever`; `undefined` when none does (or rpm could not tell).
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#options-for-both-main-and-repo
 */
export async function readReleasever(rootfs: string, location: RpmdbLocation, signal?: AbortSignal): Promise<string | undefined> {
  const provides = await runCommand(
    'rpm',
    [...queryArgs(rootfs, location), '-q', '--whatprovides', RELEASEVER, '--qf', '[%{PROVIDENAME}\\t%{PROVIDEVERSION}\\n]'],
    {
      env: rpmEnv(),
      ...(signal ? { signal } : {}),
    },
  );
  return provides.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .find(([name, version]) => name === RELEASEVER && version)?.[1];
}

/** Parses the `-qa` output of {@link QUERY_FORMAT}; exported for its spec. */
export function parseQueryOutput(text: string): RpmPackage[] {
  const packages: RpmPackage[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split('\t');
    if (parts.length !== FIELDS.length) continue;
    const [name, epoch, version, release, arch, vendor, sourcerpm] = parts;
    if (name === 'gpg-pubkey') continue;
    packages.push({
      name,
      epoch: Number(epoch) || 0,
      version,
      release,
      arch,
      ...(vendor && vendor !== '(none)' ? { vendor } : {}),
      ...(sourcerpm && sourcerpm !== '(none)' ? { sourcerpm } : {}),
    });
  }
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : 1));
}

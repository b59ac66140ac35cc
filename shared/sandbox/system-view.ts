import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Top-level folders of the read-only system: bound as they are, or as the symlinks they are (merged /usr). */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'] as const;

/**
 * What of `/etc` a build script may read: name resolution, users (no `shadow`), TLS trust
 * anchors (no `ssl/private`, `pki/tls/private`), the loader's cache, time zone, OS release and
 * Debian's `alternatives` (the targets of `/usr/bin/awk` and friends). An allow-list, because
 * `/etc` is where secrets live: `shadow`, SSH host keys, `containers/auth.json`, `environment`
 * (proxy passwords), `npmrc`/`pip.conf`/`gitconfig` (tokens), Kerberos keytabs, a ccp config
 * file put at `/etc/ccp`.
 */
export const ETC_ALLOWED = [
  'passwd',
  'group',
  'hosts',
  'resolv.conf',
  'nsswitch.conf',
  'host.conf',
  'gai.conf',
  'services',
  'protocols',
  'networks',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'timezone',
  'os-release',
  'debian_version',
  'redhat-release',
  'centos-release',
  'system-release',
  'alternatives',
  'ssl/certs',
  'ssl/openssl.cnf',
  'ca-certificates.conf',
  'pki/ca-trust',
  'pki/tls/certs',
  'pki/tls/openssl.cnf',
  'crypto-policies',
  'mime.types',
  'magic',
  'magic.mime',
  'shells',
  'inputrc',
  'locale.alias',
] as const;

/** Under `/usr` but a place for local configuration (npmrc, pip.conf…): hidden like the data dir. */
export const ALWAYS_HIDDEN = ['/usr/local/etc'] as const;

/** One host path shown at `dest`, read-only; or a symlink at `dest`. */
export type SystemEntry = { kind: 'bind'; source: string; dest: string } | { kind: 'symlink'; target: string; dest: string };

/** The read-only system as it exists on this host. */
export function systemEntries(): SystemEntry[] {
  const entries: SystemEntry[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = lstatOrNull(dir);
    if (!info) continue;
    if (info.isSymbolicLink()) entries.push({ kind: 'symlink', target: realpathSync(dir).replace(/^\//, ''), dest: dir });
    else if (info.isDirectory()) entries.push({ kind: 'bind', source: dir, dest: dir });
  }
  for (const name of ETC_ALLOWED) {
    const file = `/etc/${name}`;
    if (existsSync(file)) entries.push({ kind: 'bind', source: file, dest: file });
  }
  return entries;
}

/**
 * Where each hidden host path would appear inside the sandbox through a bound system entry,
 * with whether it is a folder (covered by an empty tmpfs) or a file (covered by /dev/null).
 * Paths that are not under any bound entry are not visible anyway and are left out.
 */
export function hiddenMounts(hide: readonly string[], entries: readonly SystemEntry[]): { dest: string; dir: boolean }[] {
  const mounts: { dest: string; dir: boolean }[] = [];
  for (const raw of hide) {
    const real = realOrResolved(raw);
    const info = statOrNull(real);
    // A path that does not exist shows nothing; and a mount point must exist under a read-only bind.
    if (!info) continue;
    const dir = info.isDirectory();
    for (const entry of entries) {
      if (entry.kind !== 'bind') continue;
      const source = realOrResolved(entry.source);
      if (real !== source && !real.startsWith(`${source}/`)) continue;
      mounts.push({ dest: path.posix.join(entry.dest, real.slice(source.length)), dir });
    }
  }
  return mounts;
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function lstatOrNull(file: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

function statOrNull(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

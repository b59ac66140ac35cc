import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveInRoot } from '../rootfs/safe-path';
import type { RpmPackage } from './rpmdb';

/** Settings that override what the image says (`ScanEnvironment.rpm`). */
export interface RepoVarOverrides {
  releasever?: string;
  basearch?: string;
  vars?: Record<string, string>;
}

/** dnf's `$basearch` for an `$arch`. */
const BASEARCH: Record<string, string> = {
  i386: 'i386',
  i486: 'i386',
  i586: 'i386',
  i686: 'i386',
  athlon: 'i386',
  x86_64: 'x86_64',
  amd64: 'x86_64',
  ia32e: 'x86_64',
  aarch64: 'aarch64',
  armv7hl: 'armhfp',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
};

/** Reads a file inside the image root without ever following a link out of it; null if absent. */
export function readRootFile(rootfs: string, file: string): string | null {
  try {
    return readFileSync(resolveInRoot(rootfs, file), 'utf8');
  } catch {
    return null;
  }
}

/** Lists a folder inside the image root (links resolved inside it); [] if absent. */
export function listRootDir(rootfs: string, dir: string): string[] {
  try {
    return readdirSync(resolveInRoot(rootfs, dir)).sort();
  } catch {
    return [];
  }
}

/** `KEY=value` lines of `/etc/os-release` (quotes removed). */
export function readOsRelease(rootfs: string): Record<string, string> {
  const text = readRootFile(rootfs, 'etc/os-release') ?? readRootFile(rootfs, 'usr/lib/os-release') ?? '';
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

/** The most common architecture among the installed packages other than noarch; x86_64 without any. */
export function installedArch(packages: RpmPackage[]): string {
  const counts = new Map<string, number>();
  for (const pkg of packages) if (pkg.arch !== 'noarch' && pkg.arch !== '(none)') counts.set(pkg.arch, (counts.get(pkg.arch) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : 'x86_64';
}

/**
 * The variables dnf substitutes in `.repo` files, as this image would see them: `$releasever`
 * (configured, else the `system-release(releasever)` provide, else the major of `VERSION_ID` in
 * os-release), `$arch`/`$basearch` (from the installed packages), `$infra` (default `stock`),
 * `$contentdir` (default `centos`), then every file of `/etc/yum/vars` and `/etc/dnf/vars`
 * (dnf's wins), then configured `vars`.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-variables
 */
export function resolveRepoVars(
  rootfs: string,
  packages: RpmPackage[],
  provideReleasever: string | undefined,
  overrides: RepoVarOverrides = {},
): Record<string, string> {
  const arch = installedArch(packages);
  const osRelease = readOsRelease(rootfs);
  const vars: Record<string, string> = { arch, basearch: BASEARCH[arch] ?? arch, infra: 'stock', contentdir: 'centos' };
  const releasever = overrides.releasever ?? provideReleasever ?? osRelease.VERSION_ID?.split('.')[0];
  if (releasever) vars.releasever = releasever;
  for (const dir of ['etc/yum/vars', 'etc/dnf/vars']) {
    for (const name of listRootDir(rootfs, dir)) {
      if (!/^[A-Za-z0-9_]+$/.test(name)) continue;
      const value = readRootFile(rootfs, path.posix.join(dir, name));
      if (value !== null) vars[name] = value.split('\n')[0].trim();
    }
  }
  if (overrides.basearch) vars.basearch = overrides.basearch;
  Object.assign(vars, overrides.vars ?? {});
  if (releasever) {
    // dnf also defines the major and minor parts
    vars.releasever_major = releasever.split('.')[0];
    vars.releasever_minor = releasever.split('.')[1] ?? '';
  }
  return vars;
}

/**
 * Substitutes `$name`, `${name}`, `${name:-default}` and `${name:+alternate}` as dnf does;
 * unknown variables stay as they are.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-variables
 */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$(?:\{([A-Za-z0-9_]+)(?:(:[-+])([^}]*))?\}|([A-Za-z0-9_]+))/g,
    (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const value = vars[name];
      if (op === ':-') return value ? value : expandVars(word ?? '', vars);
      if (op === ':+') return value ? expandVars(word ?? '', vars) : '';
      return value !== undefined ? value : whole;
    },
  );
}

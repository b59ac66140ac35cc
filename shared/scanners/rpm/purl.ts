import type { InstalledPackage } from '../types';
import type { RpmPackage } from './rpmdb';

/** purl namespaces for os-release `ID`s whose vendor name differs. */
const NAMESPACES: Record<string, string> = { rhel: 'redhat' };

/**
 * The SBOM entry of an installed RPM: its package URL (`pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…`,
 * the vendor from os-release `ID`, the epoch as a qualifier when not 0, `distro` as `<ID>-<VERSION_ID>`).
 * @see https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst#rpm
 */
export function rpmInstalledPackage(pkg: RpmPackage, osRelease: Record<string, string>): InstalledPackage {
  const id = osRelease.ID?.toLowerCase();
  const namespace = id ? `${encodeURIComponent(NAMESPACES[id] ?? id)}/` : '';
  const qualifiers = new URLSearchParams({ arch: pkg.arch });
  if (pkg.epoch) qualifiers.set('epoch', String(pkg.epoch));
  if (id && osRelease.VERSION_ID) qualifiers.set('distro', `${id}-${osRelease.VERSION_ID}`);
  return {
    ecosystem: 'rpm',
    name: pkg.name,
    version: pkg.version,
    qualifiers: {
      release: pkg.release,
      epoch: String(pkg.epoch),
      arch: pkg.arch,
      ...(pkg.vendor ? { vendor: pkg.vendor } : {}),
      ...(pkg.sourcerpm ? { sourcerpm: pkg.sourcerpm } : {}),
    },
    purl: `pkg:rpm/${namespace}${encodeURIComponent(pkg.name)}@${encodeURIComponent(`${pkg.version}-${pkg.release}`)}?${qualifiers.toString()}`,
  };
}

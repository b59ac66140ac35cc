import { rpmPurl } from '../../../../shared/reports/purl';
import type { InstalledPackage } from '../../../../shared/reports/scanner-types';
import type { RpmPackage } from '../../../../shared/rpm/rpmdb';

/** purl namespaces for os-release `ID`s whose vendor name differs. */
const NAMESPACES: Record<string, string> = { rhel: 'redhat' };

/**
 * The SBOM entry of an installed RPM: its package URL (`pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…&distro=…&epoch=…`,
 * the vendor from os-release `ID`, the epoch as a qualifier when not 0, `distro` as `<ID>-<VERSION_ID>`).
 * @see https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst#rpm
 */
export function rpmInstalledPackage(pkg: RpmPackage, osRelease: Record<string, string>): InstalledPackage {
  const id = osRelease.ID?.toLowerCase();
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
    // The one canonical builder (qualifiers sorted: arch, distro, epoch), as the SBOM and every scanner use.
    purl: rpmPurl({
      vendor: id ? (NAMESPACES[id] ?? id) : undefined,
      name: pkg.name,
      version: pkg.version,
      release: pkg.release,
      arch: pkg.arch,
      epoch: pkg.epoch || undefined,
      distro: id && osRelease.VERSION_ID ? `${id}-${osRelease.VERSION_ID}` : undefined,
    }),
  };
}

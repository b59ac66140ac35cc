import { rpmInstalledPackage } from './installed-package';

describe('rpmInstalledPackage (the SBOM entry of an installed RPM, its purl by shared/reports/purl)', () => {
  it.each([
    [{ ID: 'fedora', VERSION_ID: '25' }, 0, 'pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25'],
    [{ ID: 'fedora', VERSION_ID: '25' }, 1, 'pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25&epoch=1'],
    [{ ID: 'rhel', VERSION_ID: '9.4' }, 0, 'pkg:rpm/redhat/curl@7.50.3-1.fc25?arch=i386&distro=rhel-9.4'],
    [{}, 2, 'pkg:rpm/curl@7.50.3-1.fc25?arch=i386&epoch=2'],
  ])('an installed RPM on %j with epoch %s: %s (qualifiers sorted)', (osRelease, epoch, expected) => {
    const pkg = { name: 'curl', epoch, version: '7.50.3', release: '1.fc25', arch: 'i386', vendor: 'Fedora Project', sourcerpm: 'curl-7.50.3-1.fc25.src.rpm' };
    expect(rpmInstalledPackage(pkg, osRelease).purl).toEqual(expected);
  });
});

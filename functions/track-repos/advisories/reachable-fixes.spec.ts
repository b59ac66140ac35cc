import type { Advisory } from '../../../shared/osv/types';
import type { InstalledPackage } from '../../../shared/reports/scanner-types';
import { indexOf, reachableFixes, type RepoPackages } from './reachable-fixes';

/** An installed rpm as the scan's image state records it (purl with `distro=<ID>-<VERSION_ID>`). */
function rpm(name: string, version: string, release: string, options: { epoch?: number; distro?: string; sourcerpm?: string } = {}): InstalledPackage {
  const epoch = options.epoch ?? 0;
  const distro = options.distro ?? 'almalinux-9.4';
  return {
    ecosystem: 'rpm',
    name,
    version,
    qualifiers: { release, epoch: String(epoch), arch: 'x86_64', ...(options.sourcerpm ? { sourcerpm: options.sourcerpm } : {}) },
    purl: `pkg:rpm/almalinux/${name}@${version}-${release}?arch=x86_64&distro=${distro}${epoch ? `&epoch=${epoch}` : ''}`,
  };
}

function advisory(id: string, name: string, fixed: string | null, ecosystem = 'AlmaLinux:9'): Advisory {
  return {
    id,
    modified: '2026-12-01T00:00:00Z',
    aliases: [],
    summary: id,
    severity: [],
    affected: [{ ecosystem, name, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...(fixed ? [{ fixed }] : [])] }], versions: [], severity: [] }],
  };
}

const baseos = (packages: Record<string, string>): RepoPackages => ({ id: 'baseos', packages });

describe('reachableFixes', () => {
  const openssl = rpm('openssl-libs', '3.0.7', '24.el9', { epoch: 1, sourcerpm: 'openssl-3.0.7-24.el9.src.rpm' });

  it.each([
    ['the repo carries exactly the fix', advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'), [baseos({ 'openssl-libs.x86_64': '1:3.0.7-25.el9' })], true],
    [
      'the repo carries a later version than the fix',
      advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'),
      [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })],
      true,
    ],
    ['the advisory names the source package', advisory('ALSA-1', 'openssl', '1:3.0.7-25.el9'), [baseos({ 'openssl-libs.x86_64': '1:3.0.7-25.el9' })], true],
    ['the repo is behind the fix', advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'), [baseos({ 'openssl-libs.x86_64': '1:3.0.7-24.el9' })], false],
    ['no repo carries the package', advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'), [baseos({ 'bash.x86_64': '5.1.8-9.el9' })], false],
    ['the advisory has no fix', advisory('ALSA-1', 'openssl-libs', null), [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })], false],
    [
      'the installed version is already fixed',
      advisory('ALSA-1', 'openssl-libs', '1:3.0.7-20.el9'),
      [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })],
      false,
    ],
    [
      'the advisory is for another release',
      advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el8', 'AlmaLinux:8'),
      [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })],
      false,
    ],
    [
      'the advisory is for another distribution',
      advisory('RLSA-1', 'openssl-libs', '1:3.0.7-25.el9', 'Rocky Linux:9'),
      [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })],
      false,
    ],
  ])('%s', (_name, given: Advisory, repos: RepoPackages[], reachable: boolean) => {
    const fixes = reachableFixes({ packages: [openssl] }, indexOf([given]), repos);
    expect(fixes).toEqual(
      reachable
        ? {
            advisories: [given.id],
            packages: [{ name: 'openssl-libs', from: '1:3.0.7-24.el9', to: repos[0]!.packages['openssl-libs.x86_64'], repo: 'baseos' }],
          }
        : { advisories: [], packages: [] },
    );
  });

  it('takes the newest version of all the repos, and names that repo', () => {
    const repos = [baseos({ 'openssl-libs.x86_64': '1:3.0.7-25.el9' }), { id: 'updates', packages: { 'openssl-libs.x86_64': '1:3.0.7-26.el9' } }];
    expect(reachableFixes({ packages: [openssl] }, indexOf([advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9')]), repos).packages).toEqual([
      { name: 'openssl-libs', from: '1:3.0.7-24.el9', to: '1:3.0.7-26.el9', repo: 'updates' },
    ]);
  });

  it('lists every advisory with a reachable fix once, and each package once', () => {
    const bash = rpm('bash', '5.1.8', '6.el9');
    const repos = [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9', 'bash.x86_64': '5.1.8-9.el9' })];
    const index = indexOf([
      advisory('ALSA-2', 'openssl-libs', '1:3.0.7-26.el9'),
      advisory('ALSA-1', 'openssl', '1:3.0.7-25.el9'),
      advisory('ALSA-3', 'bash', '5.1.8-9.el9'),
      advisory('ALSA-4', 'bash', '5.1.8-10.el9'),
    ]);
    expect(reachableFixes({ packages: [openssl, bash] }, index, repos)).toEqual({
      advisories: ['ALSA-1', 'ALSA-2', 'ALSA-3'],
      packages: [
        { name: 'bash', from: '5.1.8-6.el9', to: '5.1.8-9.el9', repo: 'baseos' },
        { name: 'openssl-libs', from: '1:3.0.7-24.el9', to: '1:3.0.7-27.el9', repo: 'baseos' },
      ],
    });
  });

  it('leaves out packages of a distribution OSV does not describe, and language packages', () => {
    const centos = rpm('openssl-libs', '3.0.7', '24.el9', { epoch: 1, distro: 'centos-9' });
    const pip: InstalledPackage = { ecosystem: 'pypi', name: 'openssl-libs', version: '1.0', purl: 'pkg:pypi/openssl-libs@1.0' };
    const repos = [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })];
    expect(reachableFixes({ packages: [centos, pip] }, indexOf([advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9')]), repos)).toEqual({
      advisories: [],
      packages: [],
    });
  });
});

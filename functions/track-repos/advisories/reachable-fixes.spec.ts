import type { Advisory } from '../../../shared/osv/types';
import type { RegistryEcosystem } from '../../../shared/package-registries/registry-lookup';
import type { RegistryVersions } from '../../../shared/package-registries/registry-versions';
import { gemPurl, npmPurl, pypiPurl } from '../../../shared/reports/purl';
import type { InstalledPackage } from '../../../shared/reports/scanner-types';
import { indexOf, reachableFixes, registryKey, registryQuestions, unreachableLanguageFixes, type RegistryAnswers, type RepoPackages } from './reachable-fixes';

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

  it('leaves out packages of a distribution OSV does not describe, and language packages an RPM advisory names', () => {
    const centos = rpm('openssl-libs', '3.0.7', '24.el9', { epoch: 1, distro: 'centos-9' });
    const pip: InstalledPackage = { ecosystem: 'pypi', name: 'openssl-libs', version: '1.0', purl: 'pkg:pypi/openssl-libs@1.0' };
    const repos = [baseos({ 'openssl-libs.x86_64': '1:3.0.7-27.el9' })];
    expect(reachableFixes({ packages: [centos, pip] }, indexOf([advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9')]), repos)).toEqual({
      advisories: [],
      packages: [],
    });
  });
});

/** A pip, npm or gem package as the update scanners record it in the image state (a location per install). */
function language(kind: 'pypi' | 'npm' | 'gem', name: string, version: string, location = `site/${name}-${version}`): InstalledPackage {
  const purl = kind === 'pypi' ? pypiPurl(name, version) : kind === 'npm' ? npmPurl(name, version) : gemPurl(name, version);
  return { ecosystem: kind, name, version, qualifiers: { location }, purl };
}

/** A registry's answers for one package. */
const answers = (ecosystem: RegistryEcosystem, name: string, known: RegistryVersions | null): RegistryAnswers =>
  new Map([[registryKey(ecosystem, name), known]]);

describe('reachableFixes for language packages', () => {
  const requests = language('pypi', 'requests', '2.25.0');
  const lodash = language('npm', 'lodash', '4.17.20');
  const rack = language('gem', 'rack', '2.2.3');

  it.each<[string, InstalledPackage, Advisory, RegistryAnswers, { to: string } | null]>([
    [
      'PyPI: the registry offers the fix',
      requests,
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.25.0', '2.31.0'] }),
      { to: '2.31.0' },
    ],
    [
      'PyPI: the newest offered, past the fix',
      requests,
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.31.0', '2.32.3', '2.25.0'] }),
      { to: '2.32.3' },
    ],
    [
      'PyPI: names compare normalized',
      language('pypi', 'Requests', '2.25.0'),
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.31.0'] }),
      { to: '2.31.0' },
    ],
    [
      'PyPI: only a pre-release carries the fix',
      requests,
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.28.0', '2.32.0rc1'] }),
      null,
    ],
    [
      'PyPI: the registry is behind the fix',
      requests,
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.25.0', '2.28.0'] }),
      null,
    ],
    [
      'PyPI: the registry does not know the package (or did not answer)',
      requests,
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      answers('PyPI', 'requests', null),
      null,
    ],
    ['PyPI: the registry was not asked (past the bound)', requests, advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'), new Map(), null],
    [
      'PyPI: the installed version is not affected',
      requests,
      advisory('GHSA-1', 'requests', '2.20.0', 'PyPI'),
      answers('PyPI', 'requests', { versions: ['2.31.0'] }),
      null,
    ],
    ['PyPI: the advisory has no fix', requests, advisory('GHSA-1', 'requests', null, 'PyPI'), answers('PyPI', 'requests', { versions: ['2.31.0'] }), null],
    [
      'npm: latest carries the fix',
      lodash,
      advisory('GHSA-2', 'lodash', '4.17.21', 'npm'),
      answers('npm', 'lodash', { versions: ['4.17.21'], latest: '4.17.21' }),
      { to: '4.17.21' },
    ],
    [
      'npm: latest held back below the fix (a higher version exists)',
      lodash,
      advisory('GHSA-2', 'lodash', '4.17.22', 'npm'),
      answers('npm', 'lodash', { versions: ['4.17.21', '4.17.22'], latest: '4.17.21' }),
      null,
    ],
    [
      'npm: an advisory of PyPI for the same name',
      lodash,
      advisory('GHSA-2', 'lodash', '4.17.21', 'PyPI'),
      answers('npm', 'lodash', { versions: ['4.17.21'] }),
      null,
    ],
    [
      'RubyGems: the latest release carries the fix',
      rack,
      advisory('GHSA-3', 'rack', '2.2.6.4', 'RubyGems'),
      answers('RubyGems', 'rack', { versions: ['3.0.8'], latest: '3.0.8' }),
      { to: '3.0.8' },
    ],
    [
      'RubyGems: the latest release is older than the fix',
      rack,
      advisory('GHSA-3', 'rack', '2.2.6.4', 'RubyGems'),
      answers('RubyGems', 'rack', { versions: ['2.2.6'], latest: '2.2.6' }),
      null,
    ],
  ])('%s', (_name, pkg, given, registries, reachable) => {
    const fixes = reachableFixes({ packages: [pkg] }, indexOf([given]), [], registries);
    const ecosystem = pkg.ecosystem === 'pypi' ? 'PyPI' : pkg.ecosystem === 'npm' ? 'npm' : 'RubyGems';
    expect(fixes).toEqual(
      reachable
        ? { advisories: [given.id], packages: [{ name: pkg.name, from: pkg.version, to: reachable.to, repo: ecosystem }] }
        : { advisories: [], packages: [] },
    );
  });

  it('lists a package installed in two folders once, and two versions of it apart', () => {
    const packages = [
      language('npm', 'lodash', '4.17.20', 'app/node_modules/lodash'),
      language('npm', 'lodash', '4.17.20', 'usr/lib/node_modules/lodash'),
      language('npm', 'lodash', '4.17.15', 'app/node_modules/x/node_modules/lodash'),
    ];
    const index = indexOf([advisory('GHSA-2', 'lodash', '4.17.21', 'npm')]);
    expect(reachableFixes({ packages }, index, [], answers('npm', 'lodash', { versions: ['4.17.21'], latest: '4.17.21' }))).toEqual({
      advisories: ['GHSA-2'],
      packages: [
        { name: 'lodash', from: '4.17.15', to: '4.17.21', repo: 'npm' },
        { name: 'lodash', from: '4.17.20', to: '4.17.21', repo: 'npm' },
      ],
    });
  });

  it('matches RPMs and language packages of one image together', () => {
    const openssl = rpm('openssl-libs', '3.0.7', '24.el9', { epoch: 1 });
    const index = indexOf([advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'), advisory('GHSA-1', 'requests', '2.31.0', 'PyPI')]);
    expect(
      reachableFixes(
        { packages: [openssl, requests] },
        index,
        [baseos({ 'openssl-libs.x86_64': '1:3.0.7-25.el9' })],
        answers('PyPI', 'requests', { versions: ['2.31.0'] }),
      ),
    ).toEqual({
      advisories: ['ALSA-1', 'GHSA-1'],
      packages: [
        { name: 'openssl-libs', from: '1:3.0.7-24.el9', to: '1:3.0.7-25.el9', repo: 'baseos' },
        { name: 'requests', from: '2.25.0', to: '2.31.0', repo: 'PyPI' },
      ],
    });
  });
});

describe('registryQuestions', () => {
  it('asks about each affected package with a fix once, pre-releases for a pre-release install', () => {
    const packages = [
      language('pypi', 'requests', '2.25.0', 'a'),
      language('pypi', 'requests', '2.25.0', 'b'),
      language('gem', 'rack', '3.0.0.beta1'),
      language('npm', 'lodash', '4.17.20'),
      language('pypi', 'urllib3', '2.0.0'),
      rpm('openssl-libs', '3.0.7', '24.el9', { epoch: 1 }),
    ];
    const index = indexOf([
      advisory('GHSA-1', 'requests', '2.31.0', 'PyPI'),
      advisory('GHSA-2', 'rack', '3.0.1', 'RubyGems'),
      // No fix: no registry can offer one, so it is not asked.
      advisory('GHSA-3', 'lodash', null, 'npm'),
      // Not affected: urllib3 2.0.0 is past the fix.
      advisory('GHSA-4', 'urllib3', '1.26.5', 'PyPI'),
      advisory('ALSA-1', 'openssl-libs', '1:3.0.7-25.el9'),
    ]);
    expect(registryQuestions({ packages }, index)).toEqual([
      { ecosystem: 'PyPI', name: 'requests', prereleases: false },
      { ecosystem: 'RubyGems', name: 'rack', prereleases: true },
    ]);
  });
});

describe('unreachableLanguageFixes', () => {
  const requests = language('pypi', 'requests', '2.25.0');
  const fix = advisory('GHSA-1', 'requests', '2.31.0', 'PyPI');

  it.each<[string, InstalledPackage, Advisory, RegistryAnswers, boolean]>([
    ['the registry is behind the fix', requests, fix, answers('PyPI', 'requests', { versions: ['2.25.0', '2.28.0'] }), true],
    ['only a pre-release carries the fix', requests, fix, answers('PyPI', 'requests', { versions: ['2.32.0rc1'] }), true],
    ['the registry did not answer', requests, fix, answers('PyPI', 'requests', null), true],
    ['the registry was not asked (past the bound)', requests, fix, new Map(), true],
    ['the registry offers the fix', requests, fix, answers('PyPI', 'requests', { versions: ['2.31.0'] }), false],
    ['the advisory names no fix', requests, advisory('GHSA-1', 'requests', null, 'PyPI'), new Map(), false],
    ['the installed version is not affected', language('pypi', 'requests', '2.31.0'), fix, new Map(), false],
    ['an RPM advisory of the same name', requests, advisory('ALSA-1', 'requests', '2.31.0'), new Map(), false],
  ])('%s: pending %s', (_case, pkg, record, registries, pending) => {
    expect(unreachableLanguageFixes({ packages: [pkg] }, indexOf([record]), registries)).toEqual(
      pending ? [{ advisory: record, ecosystem: 'PyPI', name: 'requests' }] : [],
    );
  });

  it('lists each (advisory, package) once, whatever the folders or spellings it is installed under', () => {
    const packages = [language('pypi', 'requests', '2.25.0', 'a'), language('pypi', 'requests', '2.25.0', 'b'), language('npm', 'lodash', '4.17.20')];
    const lodash = advisory('GHSA-2', 'lodash', '4.17.21', 'npm');
    expect(unreachableLanguageFixes({ packages }, indexOf([fix, lodash]), new Map())).toEqual([
      { advisory: fix, ecosystem: 'PyPI', name: 'requests' },
      { advisory: lodash, ecosystem: 'npm', name: 'lodash' },
    ]);
  });
});

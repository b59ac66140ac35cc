import { ValidationError } from '../errors/validation-error';
import spec from './__fixtures__/purl-spec-cases.json';
import { gemPurl, normalizePythonName, npmPurl, packageUrl, pypiPurl, rpmPurl } from './purl';

interface SpecCase {
  description: string;
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: Record<string, string> | null;
  canonical_purl: string | null;
  is_invalid: boolean;
}

const cases = spec.cases as SpecCase[];
const canonical = (description: string, index = 0): string => cases.filter((item) => item.description.includes(description))[index]!.canonical_purl!;

describe('packageUrl against the purl spec', () => {
  it.each(cases.filter((item) => !item.is_invalid).map((item) => [item.canonical_purl, item] as const))('builds %s', (expected, item) => {
    expect(
      packageUrl({
        type: item.type,
        namespace: item.namespace ?? undefined,
        name: item.name,
        version: item.version ?? undefined,
        qualifiers: item.qualifiers ?? {},
      }),
    ).toEqual(expected);
  });

  it.each(cases.filter((item) => item.is_invalid).map((item) => [item.description, item] as const))('refuses: %s', (_description, item) => {
    expect(() => packageUrl({ type: item.type, name: item.name, version: item.version ?? undefined, qualifiers: item.qualifiers ?? {} })).toThrow(
      ValidationError,
    );
  });

  it('lower-cases the type and the keys, sorts the lowered keys, drops empty values (pkg:Rpm/…?Arch=i386&Distro=… in the spec)', () => {
    expect(
      packageUrl({ type: 'Rpm', namespace: 'fedora', name: 'curl', version: '7.50.3-1.fc25', qualifiers: { Distro: 'fedora-25', Arch: 'i386', epoch: '' } }),
    ).toEqual(canonical('rpm often use qualifiers'));
  });

  it.each([
    ['a name with characters encodeURIComponent leaves alone', { type: 'generic', name: "it's(*)!", version: '1' }, 'pkg:generic/it%27s%28%2A%29%21@1'],
    ['a namespace with empty segments', { type: 'generic', namespace: '/a//b/', name: 'c' }, 'pkg:generic/a/b/c'],
    ['a space in a version', { type: 'generic', name: 'x', version: '1 2' }, 'pkg:generic/x@1%202'],
  ])('%s', (_what, parts, expected) => {
    expect(packageUrl(parts)).toEqual(expected);
  });
});

describe('the typed builders give the spec canonical forms', () => {
  it.each([
    [
      'rpm',
      rpmPurl({ vendor: 'Fedora', name: 'curl', version: '7.50.3', release: '1.fc25', arch: 'i386', distro: 'fedora-25', epoch: 0 }),
      canonical('rpm often use qualifiers'),
    ],
    [
      'rpm with an epoch',
      rpmPurl({ vendor: 'fedora', name: 'centerim', version: '4.22.10', release: '1.el6', arch: 'i686', distro: 'fedora-25', epoch: 1 }),
      cases.find((item) => item.name === 'centerim')!.canonical_purl,
    ],
    ['pypi', pypiPurl('Django_package', '1.11.1.dev1'), canonical('pypi names have special rules')],
    ['pypi with a file name', pypiPurl('Django', '1.11.1', { file_name: 'Django-1.11.1.tar.gz' }), 'pkg:pypi/django@1.11.1?file_name=Django-1.11.1.tar.gz'],
    ['npm scoped', npmPurl('@angular/animation', '12.3.1'), canonical('npm can be scoped')],
    [
      'npm with a vcs_url',
      npmPurl('mypackage', '12.4.5', { vcs_url: 'git://host.com/path/to/repo.git@4345abcd34343' }),
      cases.find((item) => item.name === 'mypackage')!.canonical_purl,
    ],
    ['gem with a platform', gemPurl('jruby-launcher', '1.1.2', 'java'), canonical('Java gem can use a qualifier')],
    ['gem', gemPurl('ruby-advisory-db-check', '0.12.4'), 'pkg:gem/ruby-advisory-db-check@0.12.4'],
  ])('%s', (_type, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('normalizePythonName', () => {
  it.each([
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY-BARD', 'friendly-bard'],
    ['friendly.bard', 'friendly-bard'],
    ['friendly_bard', 'friendly-bard'],
    ['friendly--bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
  ])('normalises %s as PEP 503 says', (name, expected) => {
    expect(normalizePythonName(name)).toEqual(expected);
  });
});

import { ecosystemSlug, parseEcosystem, rpmEcosystemOf } from './ecosystems';

describe('parseEcosystem', () => {
  it.each([
    ['PyPI', { base: 'PyPI', release: null }],
    ['AlmaLinux:9', { base: 'AlmaLinux', release: '9' }],
    ['Rocky Linux:8', { base: 'Rocky Linux', release: '8' }],
    ['Red Hat:enterprise_linux:9::baseos', { base: 'Red Hat', release: '9' }],
    ['Red Hat:rhel_eus:9.2::appstream', { base: 'Red Hat', release: '9.2' }],
    ['Debian:12', null],
    ['pypi', null],
  ])('%s', (ecosystem, expected) => {
    expect(parseEcosystem(ecosystem)).toEqual(expected);
  });
});

describe('rpmEcosystemOf', () => {
  it.each([
    [{ ID: 'rhel', VERSION_ID: '9.4' }, 'Red Hat'],
    [{ ID: 'almalinux' }, 'AlmaLinux'],
    [{ ID: 'Rocky' }, 'Rocky Linux'],
    [{ ID: 'centos' }, null],
    [{}, null],
  ])('%j is %s', (osRelease, expected) => {
    expect(rpmEcosystemOf(osRelease)).toEqual(expected);
  });
});

describe('ecosystemSlug', () => {
  it.each([
    ['Red Hat', 'red-hat'],
    ['AlmaLinux:9', 'almalinux-9'],
    ['Red Hat:enterprise_linux:9::baseos', 'red-hat-enterprise-linux-9-baseos'],
    ['PyPI', 'pypi'],
  ])('%s is %s', (ecosystem, slug) => {
    expect(ecosystemSlug(ecosystem)).toEqual(slug);
  });
});

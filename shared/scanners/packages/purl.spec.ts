import { gemPurl, normalizePythonName, npmPurl, pypiPurl, rpmPurl } from './purl';

describe('package URLs', () => {
  it.each([
    [pypiPurl('Flask_Login', '0.6.3'), 'pkg:pypi/flask-login@0.6.3'],
    [pypiPurl('torch', '2.1.0+cpu'), 'pkg:pypi/torch@2.1.0%2Bcpu'],
    [npmPurl('lodash', '4.17.21'), 'pkg:npm/lodash@4.17.21'],
    [npmPurl('@babel/core', '7.24.0'), 'pkg:npm/%40babel/core@7.24.0'],
    [gemPurl('rake', '13.1.0'), 'pkg:gem/rake@13.1.0'],
    [gemPurl('nokogiri', '1.16.2', 'x86_64-linux'), 'pkg:gem/nokogiri@1.16.2?platform=x86_64-linux'],
    [rpmPurl({ vendor: 'CentOS', name: 'bash', version: '5.1.8', release: '6.el9', arch: 'x86_64' }), 'pkg:rpm/centos/bash@5.1.8-6.el9?arch=x86_64'],
    [rpmPurl({ name: 'openssl', version: '3.0.7', release: '1.el9', arch: 'x86_64', epoch: 1 }), 'pkg:rpm/openssl@3.0.7-1.el9?arch=x86_64&epoch=1'],
    [rpmPurl({ vendor: 'x', name: 'tzdata', version: '2024a', release: '1', arch: 'noarch', epoch: '0' }), 'pkg:rpm/x/tzdata@2024a-1?arch=noarch'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each([
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY-BARD', 'friendly-bard'],
    ['friendly.bard', 'friendly-bard'],
    ['friendly_bard', 'friendly-bard'],
    ['friendly--bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
  ])('normalises %s as PEP 503 says', (name, expected) => {
    expect(normalizePythonName(name)).toBe(expected);
  });
});

import { makeRootfs, scanEnvironment, scanTarget, type TreeFile } from '../../../../test/scan-support/rootfs';
import { downRegistryUrl, startPackageRegistries, type LocalPackageRegistries } from '../../../../test/scan-support/registries';
import { npmUpdatesScanner } from '.';

function manifest(name: string, version: string): string {
  return JSON.stringify({ name, version, description: 'test package', main: 'index.js' });
}

describe('npm-updates', () => {
  let registries: LocalPackageRegistries;

  beforeAll(async () => {
    registries = await startPackageRegistries({
      npm: {
        lodash: { versions: ['4.17.20', '4.17.21', '5.0.0-beta.1'] },
        '@babel/core': { versions: ['7.20.0', '7.24.0'] },
        express: { versions: ['4.18.2', '4.19.2', '5.0.0'], latest: '4.19.2' },
        semver: { versions: ['6.3.1', '7.6.0'], deprecated: ['7.6.0'] },
        next: { versions: ['14.0.0-canary.1', '14.0.0-canary.5', '13.5.0'] },
        npm: { versions: ['10.2.0', '10.5.0'] },
      },
    });
  });
  afterAll(() => registries.stop());

  it.each<[string, Record<string, TreeFile>, { id: string; installed: unknown; available: unknown; severity: string }[]]>([
    [
      'a global install',
      { 'usr/lib/node_modules/npm/package.json': manifest('npm', '10.2.0') },
      [{ id: 'npm@10.2.0', installed: '10.2.0', available: '10.5.0', severity: 'low' }],
    ],
    [
      'a scoped package in /usr/local',
      { 'usr/local/lib/node_modules/@babel/core/package.json': manifest('@babel/core', '7.20.0') },
      [{ id: '@babel/core@7.20.0', installed: '7.20.0', available: '7.24.0', severity: 'low' }],
    ],
    [
      'dist-tags.latest caps a stable install (5.0.0 exists, latest is 4.19.2)',
      { 'opt/app/node_modules/express/package.json': manifest('express', '4.18.2') },
      [{ id: 'express@4.18.2', installed: '4.18.2', available: '4.19.2', severity: 'low' }],
    ],
    ['pre-releases are not offered to a stable install', { 'opt/app/node_modules/lodash/package.json': manifest('lodash', '4.17.21') }, []],
    [
      'a pre-release install is offered the newest pre-release',
      { 'srv/node_modules/next/package.json': manifest('next', '14.0.0-canary.1') },
      [{ id: 'next@14.0.0-canary.1', installed: '14.0.0-canary.1', available: '14.0.0-canary.5', severity: 'low' }],
    ],
    [
      'a nested dependency, a deprecated newest version skipped',
      { 'app/node_modules/a/node_modules/semver/package.json': manifest('semver', '6.3.0'), 'app/node_modules/a/package.json': '{}' },
      [{ id: 'semver@6.3.0', installed: '6.3.0', available: '6.3.1', severity: 'low' }],
    ],
  ])('%s', async (_, files, expected) => {
    const tree = await makeRootfs(files);
    try {
      const result = await npmUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
      expect(result.status).toBe('ok');
      expect(
        result.findings.map((finding) => ({
          id: finding.id,
          severity: finding.severity,
          installed: finding.details.installed,
          available: finding.details.available,
        })),
      ).toEqual(expected);
    } finally {
      await tree.remove();
    }
  });

  it('inventories packages with npm purls (scoped as %40scope), skipping .bin and manifests without a version', async () => {
    const tree = await makeRootfs({
      'usr/lib/node_modules/@babel/core/package.json': manifest('@babel/core', '7.24.0'),
      'usr/lib/node_modules/.bin/x/package.json': manifest('x', '1.0.0'),
      'usr/lib/node_modules/workspace/package.json': JSON.stringify({ name: 'workspace', private: true }),
      'usr/lib/node_modules/broken/package.json': '{not json',
      'usr/lib/node_modules/private-thing/package.json': manifest('private-thing', '1.0.0'),
      'app/package.json': manifest('the-app', '1.0.0'),
    });
    try {
      const result = await npmUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
      expect(result.packages.map((item) => [item.purl, item.qualifiers?.location])).toEqual([
        ['pkg:npm/%40babel/core@7.24.0', 'usr/lib/node_modules/@babel/core'],
        ['pkg:npm/private-thing@1.0.0', 'usr/lib/node_modules/private-thing'],
      ]);
      expect(result).toMatchObject({ status: 'ok', findings: [], notes: ['private-thing: unknown to the npm registry'] });
      expect(registries.npm.requests).toContain('/@babel%2Fcore');
    } finally {
      await tree.remove();
    }
  });

  it('skips an image without node_modules, and fails with the reason when the registry is down', async () => {
    const empty = await makeRootfs({ 'etc/os-release': 'ID=busybox\n' });
    const tree = await makeRootfs({ 'usr/lib/node_modules/npm/package.json': manifest('npm', '10.2.0') });
    try {
      expect(await npmUpdatesScanner.scan(scanTarget(empty.rootfs), scanEnvironment(registries.urls))).toMatchObject({
        status: 'skipped',
        reason: 'no npm packages',
      });
      const down = await downRegistryUrl();
      const result = await npmUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment({ ...registries.urls, npm: down }));
      expect(result).toMatchObject({ status: 'failed', reason: `the npm registry unreachable: ${down}/npm: ECONNREFUSED` });
      expect(result.packages).toHaveLength(1);
    } finally {
      await Promise.all([empty.remove(), tree.remove()]);
    }
  });
});

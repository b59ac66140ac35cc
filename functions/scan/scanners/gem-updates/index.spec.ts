import { gemspec, makeRootfs, scanEnvironment, scanTarget, type TreeFile } from '../../../../test/scan-support/rootfs';
import { downRegistryUrl, startPackageRegistries, type LocalPackageRegistries } from '../../../../test/scan-support/registries';
import { gemUpdatesScanner } from '.';

const GEMS = 'usr/share/gems/specifications';

describe('gem-updates', () => {
  let registries: LocalPackageRegistries;

  beforeAll(async () => {
    registries = await startPackageRegistries({
      rubygems: {
        rake: { versions: ['13.0.6', '13.1.0', '14.0.0.pre.1'] },
        'net-http': { versions: ['0.3.0', '0.4.1'] },
        nokogiri: { versions: ['1.15.4', '1.16.2'], platform: 'x86_64-linux' },
        rails: { versions: ['7.1.0', '8.0.0'] },
        puma: { versions: ['6.0.0', '6.4.2', '7.0.0.rc1', '7.0.0.rc2'] },
      },
    });
  });
  afterAll(() => registries.stop());

  it.each<[string, Record<string, TreeFile>, { id: string; installed: unknown; available: unknown; severity: string }[]]>([
    [
      'a newer stable gem, its pre-release ignored',
      { [`${GEMS}/rake-13.0.6.gemspec`]: gemspec('rake', '13.0.6') },
      [{ id: 'rake@13.0.6', installed: '13.0.6', available: '13.1.0', severity: 'low' }],
    ],
    [
      'a name with a dash, from a default gem',
      { [`usr/share/ruby/gems/specifications/default/net-http-0.3.0.gemspec`]: gemspec('net-http', '0.3.0') },
      [{ id: 'net-http@0.3.0', installed: '0.3.0', available: '0.4.1', severity: 'low' }],
    ],
    [
      'a platform gem',
      { [`usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec`]: gemspec('nokogiri', '1.15.4', 'x86_64-linux') },
      [{ id: 'nokogiri@1.15.4', installed: '1.15.4', available: '1.16.2', severity: 'low' }],
    ],
    [
      'a major version behind is medium',
      { [`${GEMS}/rails-7.1.0.gemspec`]: gemspec('rails', '7.1.0') },
      [{ id: 'rails@7.1.0', installed: '7.1.0', available: '8.0.0', severity: 'medium' }],
    ],
    [
      'a pre-release install is offered the newest pre-release',
      { [`${GEMS}/puma-7.0.0.rc1.gemspec`]: gemspec('puma', '7.0.0.rc1') },
      [{ id: 'puma@7.0.0.rc1', installed: '7.0.0.rc1', available: '7.0.0.rc2', severity: 'low' }],
    ],
    ['an up-to-date gem', { [`${GEMS}/rake-13.1.0.gemspec`]: gemspec('rake', '13.1.0') }, []],
  ])('%s', async (_, files, expected) => {
    const tree = await makeRootfs(files);
    try {
      const result = await gemUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
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

  it('inventories gems with gem purls (platform qualifier) and notes gems rubygems does not know', async () => {
    const tree = await makeRootfs({
      [`${GEMS}/nokogiri-1.16.2-x86_64-linux.gemspec`]: gemspec('nokogiri', '1.16.2', 'x86_64-linux'),
      [`${GEMS}/in-house-2.0.0.gemspec`]: '',
      [`${GEMS}/README`]: 'not a spec',
    });
    try {
      const result = await gemUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
      expect(result.packages.map((item) => item.purl)).toEqual(['pkg:gem/in-house@2.0.0', 'pkg:gem/nokogiri@1.16.2?platform=x86_64-linux']);
      expect(result).toMatchObject({ status: 'ok', findings: [], notes: ['in-house: unknown to rubygems'] });
      expect(registries.rubygems.requests).toContain('/api/v1/versions/in-house/latest.json');
    } finally {
      await tree.remove();
    }
  });

  it('skips an image without gems, and fails with the reason when rubygems is down', async () => {
    const empty = await makeRootfs({ 'usr/bin/ruby': '' });
    const tree = await makeRootfs({ [`${GEMS}/rake-13.0.6.gemspec`]: gemspec('rake', '13.0.6') });
    try {
      expect(await gemUpdatesScanner.scan(scanTarget(empty.rootfs), scanEnvironment(registries.urls))).toMatchObject({
        status: 'skipped',
        reason: 'no Ruby gems',
      });
      const down = await downRegistryUrl();
      expect(await gemUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment({ ...registries.urls, rubygems: down }))).toMatchObject({
        status: 'failed',
        reason: `rubygems unreachable: ${down}/api/v1/versions/rake/latest.json: ECONNREFUSED`,
      });
    } finally {
      await Promise.all([empty.remove(), tree.remove()]);
    }
  });
});

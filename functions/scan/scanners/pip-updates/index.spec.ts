import { makeRootfs, pythonMetadata, scanEnvironment, scanTarget, type TreeFile } from '../../../../test/scan-support/rootfs';
import { downRegistryUrl, startPackageRegistries, type LocalPackageRegistries } from '../../../../test/scan-support/registries';
import { pipUpdatesScanner } from '.';

const SITE = 'usr/lib/python3.11/site-packages';

describe('pip-updates', () => {
  let registries: LocalPackageRegistries;

  beforeAll(async () => {
    registries = await startPackageRegistries({
      pypi: {
        requests: { versions: ['2.28.0', '2.31.0', '2.32.0rc1'] },
        'Flask-Login': { versions: ['0.5.0', '0.6.3'] },
        urllib3: { versions: ['1.26.0', '2.0.0', '2.2.0'], yanked: ['2.2.0'] },
        pyyaml: { versions: ['6.0.1'] },
        betapkg: { versions: ['1.0b1', '1.0b2', '1.0', '1.1rc1'] },
        six: { versions: ['1.16.0'] },
      },
    });
  });
  afterAll(() => registries.stop());

  it.each<[string, Record<string, TreeFile>, { id: string; installed: string; available: string; severity: string }[]]>([
    [
      'a newer stable release, pre-releases ignored',
      { [`${SITE}/requests-2.28.0.dist-info/METADATA`]: pythonMetadata('requests', '2.28.0') },
      [{ id: 'requests@2.28.0', installed: '2.28.0', available: '2.31.0', severity: 'low' }],
    ],
    [
      'a name written otherwise (PEP 503)',
      { [`${SITE}/flask_login-0.5.0.dist-info/METADATA`]: pythonMetadata('flask_login', '0.5.0') },
      [{ id: 'flask_login@0.5.0', installed: '0.5.0', available: '0.6.3', severity: 'low' }],
    ],
    [
      'a yanked release is not offered; a major bump is medium',
      { [`usr/lib/python3/dist-packages/urllib3-1.26.0.egg-info/PKG-INFO`]: pythonMetadata('urllib3', '1.26.0') },
      [{ id: 'urllib3@1.26.0', installed: '1.26.0', available: '2.0.0', severity: 'medium' }],
    ],
    ['an egg-info file (not folder), up to date', { [`${SITE}/PyYAML-6.0.1.egg-info`]: pythonMetadata('PyYAML', '6.0.1') }, []],
    [
      'a pre-release install is offered pre-releases',
      { [`opt/app/.venv/lib/python3.12/site-packages/betapkg-1.0b1.dist-info/METADATA`]: pythonMetadata('betapkg', '1.0b1') },
      [{ id: 'betapkg@1.0b1', installed: '1.0b1', available: '1.1rc1', severity: 'low' }],
    ],
  ])('%s', async (_, files, expected) => {
    const tree = await makeRootfs(files);
    try {
      const result = await pipUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
      expect(result.status).toBe('ok');
      expect(
        result.findings.map((finding) => ({
          id: finding.id,
          severity: finding.severity,
          installed: finding.details.installed,
          available: finding.details.available,
        })),
      ).toEqual(expected);
      expect(result.packages).toHaveLength(1);
    } finally {
      await tree.remove();
    }
  });

  it('inventories every distribution with its purl and location, notes unknown ones, and asks once per name', async () => {
    const tree = await makeRootfs({
      [`${SITE}/six-1.16.0.dist-info/METADATA`]: pythonMetadata('six', '1.16.0'),
      [`${SITE}/local_tool-0.1.dist-info/METADATA`]: pythonMetadata('local-tool', '0.1'),
      [`opt/venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA`]: pythonMetadata('six', '1.16.0'),
      [`${SITE}/broken.dist-info/METADATA`]: 'Metadata-Version: 2.1\n',
      [`${SITE}/weird-1.dist-info/METADATA`]: pythonMetadata('weird', 'not-a-version'),
    });
    const before = registries.pypi.requests.length;
    try {
      const result = await pipUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls));
      expect(result).toMatchObject({ status: 'ok', findings: [] });
      expect(result.notes).toEqual(['local-tool: unknown to the Python package index', 'weird not-a-version: not a PEP 440 version, not compared']);
      expect(result.packages.map((item) => [item.purl, item.qualifiers?.location]).sort()).toEqual([
        ['pkg:pypi/local-tool@0.1', `${SITE}/local_tool-0.1.dist-info`],
        ['pkg:pypi/six@1.16.0', `opt/venv/lib/python3.11/site-packages/six-1.16.0.dist-info`],
        ['pkg:pypi/six@1.16.0', `${SITE}/six-1.16.0.dist-info`],
        ['pkg:pypi/weird@not-a-version', `${SITE}/weird-1.dist-info`],
      ]);
      expect(registries.pypi.requests.slice(before).sort()).toEqual(['/pypi/local-tool/json', '/pypi/six/json']);
    } finally {
      await tree.remove();
    }
  });

  it('skips an image without Python packages, and never reads through a symlink to the host', async () => {
    const tree = await makeRootfs({ [`${SITE}/evil.dist-info/METADATA`]: { symlink: '/etc/hostname' }, 'bin/sh': '' });
    try {
      expect(await pipUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment(registries.urls))).toEqual({
        status: 'skipped',
        reason: 'no Python packages',
        findings: [],
        packages: [],
      });
    } finally {
      await tree.remove();
    }
  });

  it('fails with the reason when the index is down, still listing the packages', async () => {
    const tree = await makeRootfs({ [`${SITE}/six-1.16.0.dist-info/METADATA`]: pythonMetadata('six', '1.16.0') });
    try {
      const down = await downRegistryUrl();
      const result = await pipUpdatesScanner.scan(scanTarget(tree.rootfs), scanEnvironment({ ...registries.urls, pypi: down }));
      expect(result.status).toBe('failed');
      expect(result.reason).toBe(`the Python package index unreachable: ${down}/pypi/six/json: ECONNREFUSED`);
      expect(result.packages.map((item) => item.purl)).toEqual(['pkg:pypi/six@1.16.0']);
    } finally {
      await tree.remove();
    }
  });

  it('follows the URL rewrite rules', async () => {
    const tree = await makeRootfs({ [`${SITE}/requests-2.31.0.dist-info/METADATA`]: pythonMetadata('requests', '2.31.0') });
    try {
      const env = scanEnvironment(
        { ...registries.urls, pypi: 'https://pypi.org' },
        { rewriteUrl: (url) => url.replace('https://pypi.org', registries.pypi.url) },
      );
      expect(await pipUpdatesScanner.scan(scanTarget(tree.rootfs), env)).toMatchObject({ status: 'ok', findings: [] });
    } finally {
      await tree.remove();
    }
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startRpmRepoServer, type RpmRepoServer } from '../../../../test/scan-support/rpm-repo-server';
import { buildRpmFixture, makeRepo, makeRpmRoot, type RpmFixture } from '../../../../test/scan-support/rpm-fixture';
import { silentLogger } from '../../../../shared/log/logger';
import { startDownServer } from '../../../../test/scan-support/down-server';
import type { ScanEnvironment, ScanTarget } from '../../../../shared/reports/scanner-types';
import { rpmUpdatesScanner } from '.';

function environment(cacheDir: string, rewriteUrl: (url: string) => string = (url) => url): ScanEnvironment {
  return { log: silentLogger, cacheDir, rewriteUrl, registries: { pypi: '', npm: '', rubygems: '' }, timeoutMs: 5000 };
}

const target = (rootfs: string): ScanTarget => ({ rootfs, imageRef: 'test/image:latest', config: {} });

describe('rpm-updates', () => {
  let dir: string;
  let fixture: RpmFixture;
  let server: RpmRepoServer;
  /** A port nothing listens on: the repo that is down. */
  let DOWN: string;
  let down: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-rpm-updates-'));
    down = await startDownServer();
    DOWN = `${down.url}/down/`;
    fixture = await buildRpmFixture(dir);
    await makeRepo(path.join(dir, 'repos', '9', 'x86_64', 'base'), fixture.available);
    await makeRepo(path.join(dir, 'repos', 'xz'), fixture.available, 'xz');
    await makeRepo(path.join(dir, 'repos', 'zst'), fixture.available, 'zstd');
    server = await startRpmRepoServer(path.join(dir, 'repos'));
    await writeFile(path.join(dir, 'repos', 'mirrorlist.txt'), `# mirrors\n${DOWN}\n${server.url}/9/x86_64/base/\n`);
    await writeFile(
      path.join(dir, 'repos', 'metalink.xml'),
      `<?xml version="1.0"?><metalink xmlns="http://www.metalinker.org/"><files><file name="repomd.xml"><resources>` +
        `<url protocol="http" preference="10">${DOWN}repodata/repomd.xml</url>` +
        `<url protocol="http" preference="100">${server.url}/9/x86_64/base/repodata/repomd.xml</url>` +
        `</resources></file></files></metalink>`,
    );
  });
  afterAll(async () => {
    await server?.close();
    await down?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function root(name: string, repoFiles: Record<string, string>, osRelease?: string): Promise<string> {
    const rootfs = path.join(dir, name);
    await makeRpmRoot(rootfs, fixture.installed, repoFiles, osRelease);
    return rootfs;
  }

  it('finds the newer packages by EVR across the repos, reports the down repo and stays ok', async () => {
    const rootfs = await root('main', {
      'demo.repo': `[base]\nname=Demo $releasever - $basearch\nbaseurl=${server.url}/$releasever/$basearch/base/\nenabled=1\n\n[down]\nname=Down\nbaseurl=${DOWN}\n`,
      'off.repo': `[off]\nname=Off\nbaseurl=${DOWN}off/\nenabled=0\n`,
    });
    const result = await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-main')));
    expect(result.status).toEqual('ok');
    expect(result.findings.map((finding) => finding.details)).toEqual([
      { name: 'baz', arch: 'noarch', installed: '1.0-1', available: '1.1-1', availableArch: 'noarch', repo: 'base' },
      { name: 'foo', arch: 'noarch', installed: '1.0~rc1-1', available: '1.0-1', availableArch: 'noarch', repo: 'base' },
    ]);
    expect(result.findings[1]).toEqual(expect.objectContaining({ id: 'foo.noarch', severity: 'low', title: 'foo.noarch 1.0~rc1-1 → 1.0-1 (base)' }));
    expect(result.notes).toEqual([expect.stringMatching(/^repo down unreachable: http:\/\/127\.0\.0\.1:\d+\/down\/repodata\/repomd\.xml: \S+/)]);
    const repos = (result.extra as { repos: Record<string, unknown>[] }).repos;
    expect(repos.map((repo) => [repo.id, repo.status, repo.enabled])).toEqual([
      ['base', 'ok', true],
      ['down', 'unreachable', true],
      ['off', 'disabled', false],
    ]);
    expect(repos[0]).toEqual(
      expect.objectContaining({
        name: 'Demo 9 - x86_64',
        baseurl: `${server.url}/9/x86_64/base/`,
        file: '/etc/yum.repos.d/demo.repo',
        packageCount: 5,
        installed: ['baz.noarch'],
      }),
    );
    expect(repos[0].revision).toMatch(/^\d+$/);
    expect(result.extra).toEqual(
      expect.objectContaining({ vars: { releasever: '9', basearch: 'x86_64' }, rpmdb: { dbpath: '/var/lib/rpm', backend: 'sqlite' } }),
    );
    expect(server.stats.paths).not.toContain('/off/repodata/repomd.xml');
  });

  it('inventories the installed packages with package URLs', async () => {
    const rootfs = await root('inventory', {});
    const result = await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-inventory')));
    expect(result.packages.map((pkg) => pkg.purl)).toEqual([
      'pkg:rpm/demo/bar@1.0-1?arch=noarch&distro=demo-9.2&epoch=1',
      'pkg:rpm/demo/baz@1.0-1?arch=noarch&distro=demo-9.2',
      'pkg:rpm/demo/demo-release@9.0-1?arch=noarch&distro=demo-9.2',
      'pkg:rpm/demo/foo@1.0~rc1-1?arch=noarch&distro=demo-9.2',
      'pkg:rpm/demo/qux@2.0-1?arch=noarch&distro=demo-9.2',
    ]);
    expect(result.packages[0]).toEqual(
      expect.objectContaining({
        ecosystem: 'rpm',
        name: 'bar',
        version: '1.0',
        qualifiers: { release: '1', epoch: '1', arch: 'noarch', sourcerpm: 'bar-1.0-1.src.rpm' },
      }),
    );
    expect(result.status).toEqual('ok');
    expect(result.notes).toEqual(['the image enables no repositories: nothing to compare against']);
  });

  it('fails naming the repo when every enabled repo is unreachable, and still lists the packages', async () => {
    const rootfs = await root('all-down', { 'down.repo': `[down]\nname=Down\nbaseurl=${DOWN}\n` });
    const result = await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-down')));
    expect(result.status).toEqual('failed');
    expect(result.reason).toMatch(
      /^every enabled repo is unreachable \(down\): repo down unreachable: http:\/\/127\.0\.0\.1:\d+\/down\/repodata\/repomd\.xml: \S+/,
    );
    expect(result.packages).toHaveLength(5);
  });

  it('is skipped with "no rpmdb" on an image without one', async () => {
    const rootfs = path.join(dir, 'empty');
    await mkdir(path.join(rootfs, 'etc'), { recursive: true });
    expect(await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-empty')))).toEqual({
      status: 'skipped',
      reason: 'no rpmdb',
      findings: [],
      packages: [],
    });
  });

  it.each([
    ['mirrorlist', (url: string, _down: string) => `mirrorlist=${url}/mirrorlist.txt`],
    ['metalink', (url: string) => `metalink=${url}/metalink.xml`],
    ['xz primary', (url: string) => `baseurl=${url}/xz/`],
    ['zstd primary', (url: string) => `baseurl=${url}/zst/`],
    ['several baseurls, the first down', (url: string, down: string) => `baseurl=${down}\n  ${url}/9/x86_64/base/`],
  ])('reads repos through a %s', async (name, line) => {
    const rootfs = await root(`via-${name.replace(/\W+/g, '-')}`, { 'r.repo': `[r]\nname=R\n${line(server.url, DOWN)}\n` });
    const result = await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, `cache-${name.replace(/\W+/g, '-')}`)));
    expect(result.status).toEqual('ok');
    expect(result.findings.map((finding) => finding.id)).toEqual(['baz.noarch', 'foo.noarch']);
  });

  it('rewrites URLs by configuration and reads a primary it has seen from the cache', async () => {
    const rootfs = await root('rewrite', { 'r.repo': '[r]\nname=R\nbaseurl=https://mirror.example.org/$releasever/$basearch/base/\n' });
    const rewrite = (url: string): string => url.replace('https://mirror.example.org', server.url);
    const env = environment(path.join(dir, 'cache-rewrite'), rewrite);
    server.reset();
    const first = await rpmUpdatesScanner.scan(target(rootfs), env);
    expect(first.findings.map((finding) => finding.id)).toEqual(['baz.noarch', 'foo.noarch']);
    expect((first.extra as { repos: { baseurl: string }[] }).repos[0].baseurl).toEqual('https://mirror.example.org/9/x86_64/base/');
    expect(server.stats.paths.filter((p) => p.includes('primary'))).toHaveLength(1);
    server.reset();
    const second = await rpmUpdatesScanner.scan(target(rootfs), env);
    expect(second.findings).toEqual(first.findings);
    expect(server.stats.paths).toEqual(['/9/x86_64/base/repodata/repomd.xml']);
  });

  it('fetches a repo again when the rpmdb turns its URL into another than the early guess', async () => {
    // os-release says 8, so the fetch made while rpm reads the rpmdb goes to /8/; the rpmdb's
    // system-release(releasever) provide says 9, which is what dnf would use.
    const rootfs = await root('guess', { 'r.repo': `[r]\nname=R\nbaseurl=${server.url}/$releasever/$basearch/base/\n` }, 'ID="demo"\nVERSION_ID="8.6"\n');
    server.reset();
    const result = await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-guess')));
    expect([result.status, result.findings.map((finding) => finding.id)]).toEqual(['ok', ['baz.noarch', 'foo.noarch']]);
    expect((result.extra as { repos: { baseurl: string }[] }).repos[0].baseurl).toEqual(`${server.url}/9/x86_64/base/`);
    expect(server.stats.paths.filter((p) => p.endsWith('repomd.xml')).sort()).toEqual([
      '/8/x86_64/base/repodata/repomd.xml',
      '/9/x86_64/base/repodata/repomd.xml',
    ]);
  });

  it('fetches each repo once when the early guess was right', async () => {
    const rootfs = await root('right-guess', { 'r.repo': `[r]\nname=R\nbaseurl=${server.url}/$releasever/$basearch/base/\n` });
    server.reset();
    await rpmUpdatesScanner.scan(target(rootfs), environment(path.join(dir, 'cache-right-guess')));
    expect(server.stats.paths.filter((p) => p.endsWith('repomd.xml'))).toEqual(['/9/x86_64/base/repodata/repomd.xml']);
  });

  it('takes $releasever from configuration over the image', async () => {
    const rootfs = await root('releasever', { 'r.repo': `[r]\nname=R\nbaseurl=${server.url}/$releasever/$basearch/base/\n` });
    const env = { ...environment(path.join(dir, 'cache-releasever')), rpm: { releasever: '8' } };
    const result = await rpmUpdatesScanner.scan(target(rootfs), env);
    expect(result.status).toEqual('failed');
    expect(result.reason).toContain(`${server.url}/8/x86_64/base/repodata/repomd.xml: HTTP 404`);
  });
});

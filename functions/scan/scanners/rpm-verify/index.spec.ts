import { appendFile, chmod, chown, mkdir, mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildRpmFixture, makeRpmRoot } from '../../../../test/scan-support/rpm-fixture';
import { silentLogger } from '../../../../shared/log/logger';
import type { ScanEnvironment, ScanTarget } from '../../../../shared/reports/scanner-types';
import { rpmVerifyScanner } from '.';

const env: ScanEnvironment = {
  log: silentLogger,
  cacheDir: os.tmpdir(),
  rewriteUrl: (url) => url,
  registries: { pypi: '', npm: '', rubygems: '' },
  timeoutMs: 1000,
};
const target = (rootfs: string): ScanTarget => ({ rootfs, imageRef: 'test/image:latest', config: {} });

describe('rpm-verify', () => {
  let dir: string;
  let installed: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-rpm-verify-'));
    installed = (await buildRpmFixture(dir)).installed;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports nothing on a root as installed, and states its rules', async () => {
    const rootfs = path.join(dir, 'clean');
    await makeRpmRoot(rootfs, installed, {});
    const result = await rpmVerifyScanner.scan(target(rootfs), env);
    expect(result.status).toEqual('ok');
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^filtered \(volatile, 0 results\): \/var, \/run and \/tmp/)]));
    expect(result.extra).toEqual(expect.objectContaining({ checked: 0 }));
  });

  it('reports a changed program high, a missing data file medium, a changed config file as info, and filters /var', async () => {
    const rootfs = path.join(dir, 'changed');
    await makeRpmRoot(rootfs, installed, {});
    await appendFile(path.join(rootfs, 'usr/bin/baz'), 'echo tampered\n');
    // a fixed old mtime, so the T flag does not depend on the second the test runs in
    await utimes(path.join(rootfs, 'usr/bin/baz'), new Date('2001-01-01'), new Date('2001-01-01'));
    await appendFile(path.join(rootfs, 'etc/baz.conf'), 'setting=2\n');
    await unlink(path.join(rootfs, 'usr/share/baz/data'));
    await writeFile(path.join(rootfs, 'var/lib/baz/state'), 'changed at run time\n');
    const result = await rpmVerifyScanner.scan(target(rootfs), env);
    expect(result.status).toEqual('ok');
    const byPath = Object.fromEntries(result.findings.map((finding) => [finding.id, finding]));
    expect(Object.keys(byPath).sort()).toEqual(['/etc/baz.conf', '/usr/bin/baz', '/usr/share/baz/data']);
    expect(byPath['/usr/bin/baz']).toEqual({
      id: '/usr/bin/baz',
      severity: 'high',
      title: '/usr/bin/baz changed (size, digest, mtime) (baz-1.0-1.noarch)',
      details: { path: '/usr/bin/baz', flags: 'S.5....T.', missing: false, changed: ['size', 'digest', 'mtime'], package: 'baz-1.0-1.noarch' },
    });
    expect(byPath['/etc/baz.conf']).toEqual(
      expect.objectContaining({
        severity: 'info',
        details: expect.objectContaining({ attribute: 'config', changed: expect.arrayContaining(['size', 'digest']), package: 'baz-1.0-1.noarch' }),
      }),
    );
    expect(byPath['/usr/share/baz/data']).toEqual(
      expect.objectContaining({
        severity: 'medium',
        title: '/usr/share/baz/data missing (baz-1.0-1.noarch)',
        details: expect.objectContaining({ missing: true, flags: 'missing' }),
      }),
    );
    expect(result.extra).toEqual(expect.objectContaining({ checked: 4, filtered: { volatile: 1 } }));
    expect(result.notes).toEqual(
      expect.arrayContaining(['filtered (volatile, 1 results): /var, /run and /tmp hold state that changes at run time (logs, caches, spools, databases)']),
    );
    expect(result.packages).toEqual([]);
  });

  it('reports a changed mode and owner', async () => {
    const rootfs = path.join(dir, 'mode');
    await makeRpmRoot(rootfs, installed, {});
    await chmod(path.join(rootfs, 'usr/share/qux/x'), 0o666);
    await chown(path.join(rootfs, 'usr/share/foo/readme.txt'), 1234, 1234);
    const result = await rpmVerifyScanner.scan(target(rootfs), env);
    expect(result.findings.map((finding) => [finding.id, finding.severity, finding.details.changed])).toEqual([
      ['/usr/share/foo/readme.txt', 'medium', ['user', 'group']],
      ['/usr/share/qux/x', 'medium', ['mode']],
    ]);
  });

  it('is skipped with "no rpmdb" on an image without one', async () => {
    const rootfs = path.join(dir, 'empty');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    expect(await rpmVerifyScanner.scan(target(rootfs), env)).toEqual({ status: 'skipped', reason: 'no rpmdb', findings: [], packages: [] });
  });
});

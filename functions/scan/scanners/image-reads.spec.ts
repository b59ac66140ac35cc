import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { osvZip, startOsvMirror, type OsvMirror } from '../../../test/scan-support/osv-mirror';
import { buildRpmFixture, makeRepo, makeRpmRoot } from '../../../test/scan-support/rpm-fixture';
import { startRpmRepoServer, type RpmRepoServer } from '../../../test/scan-support/rpm-repo-server';
import { scanEnvironment, scanTarget, writeTree } from '../../../test/scan-support/rootfs';
import { osvAdvisorySource } from '../../../shared/osv/source';
import { FsObjectStore } from '../../../shared/store/fs-store';
import type { ScanEnvironment, ScannerResult } from '../../../shared/reports/scanner-types';
import { runScanners } from '../run-scanners';
import { SCANNERS } from './api';
import { rpmUpdatesScanner } from './rpm-updates';
import { vulnerabilitiesScanner } from './vulnerabilities';

/** An advisory on `baz` (installed 1.0-1) fixed in 1.1-1, which the image's repo carries. */
const ADVISORY = {
  schema_version: '1.6.0',
  id: 'ALSA-2024:2001',
  modified: '2024-05-01T00:00:00Z',
  published: '2024-05-01T00:00:00Z',
  aliases: ['CVE-2024-2001'],
  summary: 'baz: a flaw',
  affected: [{ package: { ecosystem: 'AlmaLinux:9', name: 'baz' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1-1' }] }] }],
};

/** What the scanners of a scan, or each scanner alone, made the host's rpm and the repo server do. */
interface Reads {
  /** `rpm -qa` package lists of the rpmdb. */
  packageLists: number;
  /** `rpm -q --whatprovides system-release(releasever)` queries. */
  releasever: number;
  repomd: number;
  primary: number;
}

/**
 * The rpmdb and the repo metadata are read once per scan when rpm-updates and vulnerabilities run
 * together, counted where they are really read: a wrapper in front of the host's rpm that logs
 * its arguments, and the repo server's request log.
 */
describe('image reads shared by the scanners of one scan', () => {
  let dir: string;
  let server: RpmRepoServer;
  let mirror: OsvMirror;
  let rootfs: string;
  let rpmLog: string;
  let savedPath: string | undefined;
  let round = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-image-reads-'));
    const fixture = await buildRpmFixture(dir);
    await makeRepo(path.join(dir, 'repos', '9', 'x86_64', 'base'), fixture.available);
    [server, mirror] = await Promise.all([startRpmRepoServer(path.join(dir, 'repos')), startOsvMirror()]);
    mirror.publish('AlmaLinux', await osvZip([ADVISORY]));
    rootfs = path.join(dir, 'rootfs');
    await makeRpmRoot(
      rootfs,
      fixture.installed,
      { 'almalinux.repo': `[base]\nname=Base $releasever\nbaseurl=${server.url}/$releasever/$basearch/base/\n` },
      'ID="almalinux"\nVERSION_ID="9.2"\n',
    );
    const realRpm = (process.env.PATH ?? '')
      .split(':')
      .map((folder) => path.join(folder, 'rpm'))
      .find((file) => existsSync(file));
    if (!realRpm) throw new Error('no rpm on PATH');
    const bin = path.join(dir, 'bin');
    rpmLog = path.join(dir, 'rpm.log');
    await mkdir(bin);
    await writeFile(path.join(bin, 'rpm'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${rpmLog}'\nexec '${realRpm}' "$@"\n`);
    await chmod(path.join(bin, 'rpm'), 0o755);
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
  });

  afterAll(async () => {
    process.env.PATH = savedPath;
    await Promise.all([server?.close(), mirror?.close()]);
    // rpm-updates fetches the repos while rpm reads the rpmdb: after the unreadable rpmdb those
    // fetches may still be writing the metadata cache.
    await rm(dir, { recursive: true, force: true, maxRetries: 10 });
  });

  /** A cold environment: its own metadata cache folder and advisory store. */
  function environment(): ScanEnvironment {
    round += 1;
    return scanEnvironment(
      { pypi: '', npm: '', rubygems: '' },
      {
        cacheDir: path.join(dir, `cache-${round}`),
        timeoutMs: 5000,
        advisories: osvAdvisorySource(new FsObjectStore(path.join(dir, `store-${round}`)), { urls: [mirror.url], ecosystems: ['AlmaLinux'], timeoutMs: 5000 }),
      },
    );
  }

  /** What `work` read, from the rpm wrapper's log and the repo server's. */
  async function reads(work: () => Promise<unknown>): Promise<Reads> {
    await writeFile(rpmLog, '');
    server.reset();
    await work();
    const calls = (await readFile(rpmLog, 'utf8')).split('\n');
    return {
      packageLists: calls.filter((call) => call.includes(' -qa ') && call.includes('%{EPOCHNUM}')).length,
      releasever: calls.filter((call) => call.includes('--whatprovides system-release(releasever)')).length,
      repomd: server.stats.paths.filter((file) => file.endsWith('/repomd.xml')).length,
      primary: server.stats.paths.filter((file) => file.includes('-primary.xml')).length,
    };
  }

  const summary = (result: ScannerResult): unknown => [result.status, result.reason, result.findings, result.notes];

  it('reads the rpmdb and each repo once for the whole scan, and every scanner reports what it reports alone', async () => {
    let alone: ScannerResult[] = [];
    const separate = await reads(async () => {
      alone = [await rpmUpdatesScanner.scan(scanTarget(rootfs), environment()), await vulnerabilitiesScanner.scan(scanTarget(rootfs), environment())];
    });
    // The counters see each scanner's own reads when there is no scan to share them.
    expect(separate).toEqual({ packageLists: 2, releasever: 2, repomd: 2, primary: 2 });

    let runs: Awaited<ReturnType<typeof runScanners>> = [];
    const together = await reads(async () => {
      runs = await runScanners(SCANNERS, scanTarget(rootfs), environment(), 60_000);
    });
    expect(together).toEqual({ packageLists: 1, releasever: 1, repomd: 1, primary: 1 });
    const byId = new Map(runs.map((run) => [run.scanner.id, run.result]));
    expect(summary(byId.get('rpm-updates')!)).toEqual(summary(alone[0]!));
    expect(summary(byId.get('vulnerabilities')!)).toEqual(summary(alone[1]!));
    expect(byId.get('rpm-updates')!.findings.map((finding) => finding.id)).toEqual(['baz.noarch', 'foo.noarch']);
    expect(byId.get('vulnerabilities')!.findings.map((finding) => [finding.details.advisory, finding.details.status])).toEqual([
      ['ALSA-2024:2001', 'fixable-now'],
    ]);
  });

  it('gives an rpmdb that rpm cannot read to every scanner as the failure each reports alone, read once', async () => {
    const broken = path.join(dir, 'broken');
    await writeTree(broken, {
      'etc/os-release': 'ID="almalinux"\nVERSION_ID="9.2"\n',
      'etc/yum.repos.d/almalinux.repo': `[base]\nname=Base\nbaseurl=${server.url}/9/x86_64/base/\n`,
      'var/lib/rpm/rpmdb.sqlite': 'not a database, but not empty either\n'.repeat(200),
    });
    const alone = [
      await rpmUpdatesScanner.scan(scanTarget(broken), environment()).catch((error: Error) => error),
      await vulnerabilitiesScanner.scan(scanTarget(broken), environment()).catch((error: Error) => error),
    ];
    expect(alone.map((outcome) => outcome instanceof Error && outcome.name)).toEqual(['RpmdbError', 'RpmdbError']);

    let runs: Awaited<ReturnType<typeof runScanners>> = [];
    const together = await reads(async () => {
      runs = await runScanners(SCANNERS, scanTarget(broken), environment(), 60_000);
    });
    expect(together.packageLists).toEqual(1);
    const byId = new Map(runs.map((run) => [run.scanner.id, run.result]));
    expect([byId.get('rpm-updates'), byId.get('vulnerabilities')].map((result) => [result?.status, result?.reason])).toEqual(
      alone.map((error) => ['failed', `RpmdbError: ${(error as Error).message}`]),
    );
  });
});

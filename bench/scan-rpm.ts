import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { silentLogger } from '../shared/log/logger';
import { rpmUpdatesScanner } from '../functions/scan/scanners/rpm-updates';
import { rpmVerifyScanner } from '../functions/scan/scanners/rpm-verify';
import type { ScanEnvironment, ScanTarget } from '../shared/reports/scanner-types';
import type { Bench, BenchResult } from './types';

const run = promisify(execFile);
/** Installed RPMs of the bench image (`bench-pkg-000` … `bench-pkg-499`, all 1.0-1), and how many have a 1.1-1 in the repo. */
export const PACKAGES = 500;
export const UPDATED = 250;
const RATIO_GOAL = 5;
const WHOLE_SCAN_GOAL_MS = 10_000;
/** Bump when the generated packages change, so a cached set is rebuilt. */
const GENERATION = 1;

/** One spec with `count` noarch subpackages `bench-pkg-NNN` at `version`, each with one file. */
function specText(version: string, count: number): string {
  const lines = ['Name: bench-gen', `Version: ${version}`, 'Release: 1', 'Summary: bench', 'License: MIT', 'BuildArch: noarch', '%description', 'bench'];
  const name = (i: number): string => `bench-pkg-${String(i).padStart(3, '0')}`;
  for (let i = 0; i < count; i++) lines.push(`%package -n ${name(i)}`, 'Summary: bench package', `%description -n ${name(i)}`, 'bench');
  lines.push('%install');
  for (let i = 0; i < count; i++)
    lines.push(`mkdir -p %{buildroot}/usr/share/bench/${i} && echo ${name(i)}-${version} > %{buildroot}/usr/share/bench/${i}/data`);
  for (let i = 0; i < count; i++) lines.push(`%files -n ${name(i)}`, `/usr/share/bench/${i}/data`);
  return `${lines.join('\n')}\n`;
}

/** Builds (once; kept in the temp folder between runs) the installed set and the newer set. */
export async function generatedRpms(): Promise<{ installed: string; newer: string }> {
  const cache = path.join(os.tmpdir(), `ccp-bench-scan-rpm-${GENERATION}`);
  const built = { installed: path.join(cache, 'installed'), newer: path.join(cache, 'newer') };
  if (existsSync(built.installed) && existsSync(built.newer)) return built;
  await mkdir(cache, { recursive: true });
  for (const [key, version, count] of [
    ['installed', '1.0', PACKAGES],
    ['newer', '1.1', UPDATED],
  ] as const) {
    const top = await mkdtemp(path.join(cache, 'build-'));
    await mkdir(path.join(top, 'SPECS'));
    await writeFile(path.join(top, 'SPECS', 'gen.spec'), specText(version, count));
    const defines = ['_topdir', top, '_build_id_links', 'none', '__os_install_post', '%{nil}', 'debug_package', '%{nil}'];
    const args: string[] = [];
    for (let i = 0; i < defines.length; i += 2) args.push('--define', `${defines[i]} ${defines[i + 1]}`);
    await run('rpmbuild', ['-bb', '--quiet', ...args, path.join(top, 'SPECS', 'gen.spec')], { maxBuffer: 256 * 1024 * 1024 });
    await rename(path.join(top, 'RPMS', 'noarch'), built[key]);
    await rm(top, { recursive: true, force: true });
  }
  return built;
}

/** Serves a folder over HTTP on 127.0.0.1, as a yum repository is served. */
export async function serve(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const file = path.join(root, path.normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-length': info.size });
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** CPU seconds of this process and its waited-for children (from /proc/self/stat, clock ticks of 10 ms). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // after the command: state(0) … utime(11) stime(12) cutime(13) cstime(14)
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The bench image under `work`: a root with the {@link PACKAGES} RPMs installed by `rpm --root`
 * (a real rpmdb), this os-release, and a `.repo` naming `<url>/el9/`, a createrepo_c repository
 * in `work/repo/el9` of the installed and the {@link UPDATED} newer packages. Returns the root.
 */
export async function benchRpmImage(work: string, url: string, osRelease: string): Promise<string> {
  const rpms = await generatedRpms();
  const repo = path.join(work, 'repo', 'el9');
  await mkdir(repo, { recursive: true });
  for (const dir of [rpms.installed, rpms.newer]) for (const file of await readdir(dir)) await copyFile(path.join(dir, file), path.join(repo, file));
  await run('createrepo_c', ['--quiet', '--no-database', repo]);
  const rootfs = path.join(work, 'rootfs');
  await mkdir(path.join(rootfs, 'etc', 'yum.repos.d'), { recursive: true });
  const installed = (await readdir(rpms.installed)).map((file) => path.join(rpms.installed, file));
  await run('rpm', ['--root', rootfs, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--noscripts', ...installed], {
    env: { PATH: process.env.PATH, HOME: '/nonexistent' },
  });
  await writeFile(path.join(rootfs, 'etc', 'os-release'), osRelease);
  await writeFile(path.join(rootfs, 'etc', 'yum.repos.d', 'bench.repo'), `[bench]\nname=Bench $releasever\nbaseurl=${url}/el$releasever/\n`);
  return rootfs;
}

/**
 * rpm-updates against `dnf check-update --installroot` (what the seed ran) over the same root
 * (500 installed RPMs) and the same repository (the 500 plus 250 newer), both cold (no metadata
 * cache), median of 5; then the whole RPM scan (rpm-updates + rpm-verify) of that root and its
 * peak memory.
 */
export const scanRpmBench: Bench = async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-scan-rpm-'));
  const { url, server } = await serve(path.join(work, 'repo'));
  try {
    const rootfs = await benchRpmImage(work, url, 'ID="bench"\nVERSION_ID="9"\n');

    const target: ScanTarget = { rootfs, imageRef: 'bench/rpm:500', config: {} };
    let cacheRound = 0;
    const env = (): ScanEnvironment => ({
      log: silentLogger,
      cacheDir: path.join(work, `cache-${cacheRound++}`),
      rewriteUrl: (u) => u,
      registries: { pypi: '', npm: '', rubygems: '' },
      timeoutMs: 30_000,
    });

    const oursTimes: number[] = [];
    let ourCount = 0;
    const oursCpuStart = cpuSeconds();
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const result = await rpmUpdatesScanner.scan(target, env());
      oursTimes.push(performance.now() - start);
      ourCount = result.findings.length;
    }
    const oursCpu = (cpuSeconds() - oursCpuStart) / 5;
    const warmEnv = env();
    await rpmUpdatesScanner.scan(target, warmEnv);
    const warmStart = performance.now();
    await rpmUpdatesScanner.scan(target, warmEnv);
    const warm = performance.now() - warmStart;

    const home = path.join(work, 'home');
    await mkdir(home);
    await writeFile(path.join(home, '.rpmmacros'), '%_dbpath /var/lib/rpm\n');
    const dnfTimes: number[] = [];
    let dnfCount = 0;
    const dnfCpuStart = cpuSeconds();
    for (let i = 0; i < 5; i++) {
      const args = [
        '-q',
        '--installroot',
        rootfs,
        '--releasever',
        '9',
        '--setopt=reposdir=/dev/null',
        `--setopt=cachedir=${path.join(work, `dnf-cache-${i}`)}`,
      ];
      args.push(`--repofrompath=bench,${url}/el9/`, '--repo', 'bench', '--nogpgcheck', 'check-update');
      const start = performance.now();
      const output = await run('dnf', args, { env: { PATH: process.env.PATH, HOME: home }, maxBuffer: 64 * 1024 * 1024 }).then(
        (done) => done.stdout,
        (error: { code?: number; stdout?: string }) => {
          if (error.code !== 100) throw error;
          return error.stdout ?? '';
        },
      );
      dnfTimes.push(performance.now() - start);
      dnfCount = output.split('\n').filter((line) => /^bench-pkg-\d+\.noarch\s/.test(line)).length;
    }
    const dnfCpu = (cpuSeconds() - dnfCpuStart) / 5;
    const ours = median(oursTimes);
    const dnf = median(dnfTimes);

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    const baseRss = process.memoryUsage().rss;
    const wholeStart = performance.now();
    const [updates, verify] = await Promise.all([rpmUpdatesScanner.scan(target, env()), rpmVerifyScanner.scan(target, env())]);
    const whole = performance.now() - wholeStart;
    clearInterval(sampler);

    const results: BenchResult[] = [
      { name: `rpm-updates, ${PACKAGES} installed RPMs, cold cache (median of 5)`, value: ours, unit: 'ms', note: `${ourCount} updates found` },
      { name: 'rpm-updates, primary cached by checksum', value: warm, unit: 'ms' },
      { name: 'dnf check-update --installroot, cold cache (median of 5)', value: dnf, unit: 'ms', note: `${dnfCount} updates found` },
      {
        name: 'rpm-updates speed-up over dnf check-update',
        value: dnf / ours,
        unit: 'x',
        goal: `>= ${RATIO_GOAL}x`,
        met: dnf / ours >= RATIO_GOAL && ourCount === dnfCount,
        note: ourCount === dnfCount ? 'same updates found' : `DIFFERENT counts: ours ${ourCount}, dnf ${dnfCount}`,
      },
      {
        name: 'CPU time ratio, dnf ÷ rpm-updates (with child processes)',
        value: dnfCpu / Math.max(oursCpu, 0.01),
        unit: 'x',
        note: `${(oursCpu * 1000).toFixed(0)} ms vs ${(dnfCpu * 1000).toFixed(0)} ms per run, less sensitive to a loaded machine than wall time`,
      },
      {
        name: `whole RPM scan (rpm-updates + rpm-verify), ${PACKAGES} RPMs`,
        value: whole,
        unit: 'ms',
        goal: `< ${WHOLE_SCAN_GOAL_MS} ms`,
        met: whole < WHOLE_SCAN_GOAL_MS && updates.status === 'ok' && verify.status === 'ok',
        note: `${updates.findings.length} updates, ${verify.findings.length} verify findings`,
      },
      {
        name: 'whole RPM scan: peak RSS of the Node process',
        value: peakRss / 1e6,
        unit: 'MB',
        note: `+${((peakRss - baseRss) / 1e6).toFixed(1)} MB over the start of the scan; rpm runs as child processes`,
      },
    ];
    return results;
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(work, { recursive: true, force: true });
  }
};

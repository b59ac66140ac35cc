import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { silentLogger } from '../shared/log/logger';
import { trackRepos } from '../functions/track-repos/repos/track-repos';
import { FsObjectStore } from '../shared/store/fs-store';
import type { Bench, BenchResult } from './types';

const run = promisify(execFile);
const REPOS = 100;
const PACKAGES = 300;
const GOAL_PERCENT = 1;

/** A yum repository of `PACKAGES` noarch packages (subpackages of one spec: one rpmbuild call). */
async function makeRepo(dir: string): Promise<string> {
  const lines = ['Name: bench-repo', 'Version: 1.0', 'Release: 1', 'Summary: bench', 'License: MIT', 'BuildArch: noarch', '%description', 'bench'];
  const name = (i: number): string => `bench-repo-pkg-${String(i).padStart(3, '0')}`;
  for (let i = 0; i < PACKAGES; i++) lines.push(`%package -n ${name(i)}`, 'Summary: bench package', `%description -n ${name(i)}`, 'bench');
  lines.push('%install');
  for (let i = 0; i < PACKAGES; i++) lines.push(`mkdir -p %{buildroot}/usr/share/bench-repo/${i} && echo ${i} > %{buildroot}/usr/share/bench-repo/${i}/data`);
  for (let i = 0; i < PACKAGES; i++) lines.push(`%files -n ${name(i)}`, `/usr/share/bench-repo/${i}/data`);
  const top = path.join(dir, 'rpmbuild');
  await mkdir(path.join(top, 'SPECS'), { recursive: true });
  await writeFile(path.join(top, 'SPECS', 'bench.spec'), `${lines.join('\n')}\n`);
  const defines = ['_topdir', top, '_build_id_links', 'none', '__os_install_post', '%{nil}', 'debug_package', '%{nil}', '_binary_payload', 'w1.gzdio'];
  const args: string[] = [];
  for (let i = 0; i < defines.length; i += 2) args.push('--define', `${defines[i]} ${defines[i + 1]}`);
  await run('rpmbuild', ['-bb', '--quiet', ...args, path.join(top, 'SPECS', 'bench.spec')], { maxBuffer: 64 * 1024 * 1024 });
  const repo = path.join(top, 'RPMS', 'noarch');
  await run('createrepo_c', ['--quiet', '--no-database', repo]);
  return repo;
}

/**
 * Serves one repository folder under `/r000/` … `/r099/` (a hundred repositories to the
 * tracker), with ETag and 304, counting every byte written to the wire (status line, headers
 * and bodies), which is what a conditional GET saves or costs.
 */
async function serve(repo: string): Promise<{ url: string; wireBytes(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  const server: Server = createServer((request, response) => {
    const file = path.join(repo, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/r\d+\//, '/'));
    stat(file).then(
      (info) => {
        const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { 'content-length': info.size, etag, 'last-modified': info.mtime.toUTCString() });
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    wireBytes: () => closedBytes + [...sockets].reduce((sum, socket) => sum + socket.bytesWritten, 0),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/**
 * Repo tracker: bytes fetched to poll 100 unchanged repositories (conditional GET of
 * repomd.xml, answered 304) against downloading their metadata in full each time, as the seed
 * did (`yum makecache`: repomd.xml, primary, filelists, other). Goal: under 1%.
 */
export const reposBench: Bench = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-bench-repos-'));
  const results: BenchResult[] = [];
  try {
    const repo = await makeRepo(dir);
    const server = await serve(repo);
    const mirror = 'http://mirror.example.org/';
    const store = new FsObjectStore(path.join(dir, 'store'));
    const repos = Array.from({ length: REPOS }, (_, i) => {
      const url = `${mirror}r${String(i).padStart(3, '0')}/`;
      return { id: `r${i}`, enabled: true, status: 'ok', baseurls: [url], baseurl: url };
    });
    await store.put(
      'state/images/bench/repos/latest.json',
      JSON.stringify({ format: 'ccp.image-state/v1', project: { appId: 'bench', jobId: 'repos', desiredTag: 'latest' }, repos }),
    );
    const http = { rewriteUrl: (url: string) => url.replace(mirror, `${server.url}/`), timeoutMs: 30_000 };
    const poll = async (tick: string): Promise<{ bytes: number; ms: number; statuses: string[] }> => {
      const before = server.wireBytes();
      const started = performance.now();
      const outcomes = await trackRepos({ store, http, log: silentLogger, tick });
      return { bytes: server.wireBytes() - before, ms: performance.now() - started, statuses: [...new Set(outcomes.map((outcome) => outcome.status))] };
    };
    const first = await poll('bench/1');
    const second = await poll('bench/2');
    // The seed's way: every metadata file of every repository, every time.
    const files = (await readdir(path.join(repo, 'repodata'))).filter((name) => name.endsWith('.xml') || /\.(gz|xz|zst|bz2)$/.test(name));
    const beforeFull = server.wireBytes();
    for (let i = 0; i < REPOS; i++) {
      for (const file of files) await (await fetch(`${server.url}/r${String(i).padStart(3, '0')}/repodata/${file}`)).arrayBuffer();
    }
    const full = server.wireBytes() - beforeFull;
    await server.close();
    const percent = (100 * second.bytes) / full;
    results.push(
      {
        name: `first poll of ${REPOS} repos (${PACKAGES} packages each): records`,
        value: first.bytes,
        unit: 'bytes',
        note: `${first.ms.toFixed(0)} ms, ${first.statuses.join('/')}`,
      },
      {
        name: `poll of ${REPOS} unchanged repos (conditional GET)`,
        value: second.bytes,
        unit: 'bytes',
        note: `${second.ms.toFixed(0)} ms, ${second.statuses.join('/')}`,
      },
      { name: `${REPOS} repos' metadata downloaded in full (seed's way)`, value: full, unit: 'bytes', note: files.length + ' files each' },
      {
        name: 'unchanged poll against full download',
        value: percent,
        unit: '%',
        goal: `< ${GOAL_PERCENT} %`,
        met: percent < GOAL_PERCENT,
        note: 'wire bytes: status lines, headers and bodies',
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
};

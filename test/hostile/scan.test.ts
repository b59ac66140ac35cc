import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HTTP } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { listDeadLetters } from '../../shared/runtime/dead-letter';
import { FsObjectStore } from '../../shared/store/fs-store';
import type { ScanReport } from '../../shared/reports/types';
import { gzipLayer, pushLayers } from '../scan-support/layer-images';
import { manyEmptyFilesLayer } from '../scan-support/many-files-layer';
import { waitFor } from './__fixtures__/harness';

const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');
const CLI = path.join(REPO, 'cli', 'main.ts');
/** The scan's request time limit in these tests (15 s by default): the hostile layer outlasts it. */
const REQUEST_TIMEOUT_MS = '1500';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `ccp <args>` as a real process (the CLI's own sources through a transpiling require hook). */
function ccp(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', REGISTER, CLI, ...args], { cwd: REPO, env: { ...process.env, CCP_LOG_LEVEL: 'info', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
}

/**
 * Hostile images and references against the scan: a layer of 400,000 empty files (3 MB
 * compressed) that outlasts the request time limit or passes the file-count bound, a manifest
 * whose blob is gone, and references to hosts outside the allow-list (a cloud metadata address,
 * a public host, a local port that counts connections). Real docker-registry, real `ccp scan`
 * and `ccp serve` processes. Before the fix one such layer killed `ccp serve` with an uncaught
 * DOMException [TimeoutError] and `ccp scan` exited 1 with a stack trace.
 */
describe('hostile images and references against the scan', () => {
  let dir: string;
  let registry: LocalRegistry;
  let trap: Server;
  let trapAddress: string;
  let connections = 0;
  let many: string;
  let broken: { ref: string; layer: string };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-scan-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    await pushLayers(registry.url, 'evil/many', 'latest', [{ body: await manyEmptyFilesLayer(400_000) }]);
    many = `${registry.address}/evil/many:latest`;
    const pushed = await pushLayers(registry.url, 'evil/broken', 'latest', [{ body: await gzipLayer([{ name: 'etc/os-release', content: 'ID=evil\n' }]) }]);
    const deleted = await fetch(`${registry.url}/v2/evil/broken/blobs/${pushed.layerDigests[0]}`, { method: 'DELETE' });
    if (deleted.status !== 202) throw new Error(`blob delete: HTTP ${deleted.status}`);
    broken = { ref: `${registry.address}/evil/broken:latest`, layer: pushed.layerDigests[0]! };
    // A host:port outside the allow-list that counts every connection made to it.
    trap = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const address = trap.address();
    trapAddress = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => trap?.close(resolve));
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const scanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    CCP_SCAN_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS,
    CCP_SCAN_MAX_FILES: '1000000',
    ...extra,
  });
  const globals = (name: string): string[] => ['--data-dir', path.join(dir, name), '--registry', registry.address];

  it.each([
    [
      'a layer that outlasts the request time limit',
      () => many,
      {},
      () => /^ccp scan: scan of .*evil\/many:latest failed: layer sha256:[0-9a-f]{64} timed out after 1\.5 s\n$/,
    ],
    [
      'a layer over the file-count bound (CCP_SCAN_MAX_FILES)',
      () => many,
      { CCP_SCAN_MAX_FILES: '5000', CCP_SCAN_REQUEST_TIMEOUT_MS: '60000' },
      () =>
        /^ccp scan: scan of .*evil\/many:latest failed: image .* has more than 5,000 files \(5,001 entries read, stopped in layer sha256:[0-9a-f]{64}\), over the file-count bound\n$/,
    ],
    [
      'a manifest whose layer blob is gone',
      () => broken.ref,
      {},
      () =>
        new RegExp(`^ccp scan: scan of .*evil/broken:latest failed: blob ${broken.layer} missing from registry ${registry.address.replace(/\./g, '\\.')}\\n$`),
    ],
    [
      'the metadata address',
      () => '169.254.169.254/x:y',
      {},
      () =>
        /^ccp scan: scan of 169\.254\.169\.254\/x:y failed: registry 169\.254\.169\.254 is not allowed \(only the pipeline's registry and CCP_SCAN_ALLOWED_REGISTRIES are read\)\n$/,
    ],
    [
      'a local port outside the allow-list',
      () => `${trapAddress}/x:y`,
      {},
      () => new RegExp(`^ccp scan: scan of ${trapAddress}/x:y failed: registry ${trapAddress} is not allowed`),
    ],
  ])(
    'ccp scan of %s exits 2 with one line and no stack',
    async (_name, ref, env, expected) => {
      const ran = await ccp(['scan', ref(), ...globals('cli')], scanEnv(env));
      expect([ran.code, ran.stderr]).toEqual([2, expect.stringMatching(expected())]);
      expect(ran.stderr).not.toMatch(/\n\s+at /);
      expect(connections).toBe(0);
    },
    90_000,
  );

  it('ccp serve takes scan.requested for each of them, keeps answering /health/liveness, stays up, and reports each reason', async () => {
    const data = path.join(dir, 'serve');
    const child: ChildProcess = spawn(process.execPath, ['-r', REGISTER, CLI, 'serve', '--port', '0', ...globals('serve')], {
      cwd: REPO,
      env: { ...process.env, ...scanEnv() },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await waitFor(async () => /serving on (http:\/\/[\d.]+:\d+)/.exec(stderr)?.[1] ?? null, 90_000);
      // The project's own repository on hosts that are not the pipeline's registry: the scan function refuses them before any connection.
      const foreign = { metadata: '169.254.169.254', public: 'example.com', trap: trapAddress };
      const refs = { many, broken: broken.ref, ...Object.fromEntries(Object.entries(foreign).map(([job, host]) => [job, `${host}/evil/${job}:latest`])) };
      for (const [job, ref] of Object.entries(refs)) {
        const event = makeEvent(
          EventTypes.scanRequested,
          { project: { appId: 'evil', jobId: job, desiredTag: 'latest' }, image: { ref }, reason: 'manual' },
          { source: '/attacker', id: `hostile-${job}` },
        );
        const message = HTTP.binary(event);
        const token = (await readFile(path.join(data, 'ingress-token'), 'utf8')).trim();
        const posted = await fetch(`${url}/`, {
          method: 'POST',
          headers: { ...(message.headers as Record<string, string>), authorization: `Bearer ${token}` },
          body: message.body as string,
        });
        expect(posted.status).toBe(202);
      }
      // While the scans run and after they end: the door answers, quickly.
      const probes: number[] = [];
      const reports = await waitFor(async () => {
        const started = Date.now();
        const live = await fetch(`${url}/health/liveness`);
        probes.push(live.status === 200 ? Date.now() - started : -live.status);
        const found = await scanReports(path.join(data, 'store', 'reports', 'evil'));
        const letters = await listDeadLetters(new FsObjectStore(path.join(data, 'store')));
        const refused = Object.fromEntries(letters.map((letter) => [String(letter.event.id).replace('hostile-', ''), letter.error.errors]));
        return Object.keys(found).length + Object.keys(refused).length === Object.keys(refs).length ? { ...found, ...refused } : null;
      }, 60_000);
      const after = await fetch(`${url}/health/liveness`);
      expect([child.exitCode, after.status, probes.every((ms) => ms >= 0 && ms < 2000)]).toEqual([null, 200, true]);
      expect(reports).toEqual({
        many: expect.stringMatching(/^The image could not be fetched, scan is aborted: layer sha256:[0-9a-f]{64} timed out after 1\.5 s$/),
        broken: `The image could not be fetched, scan is aborted: blob ${broken.layer} missing from registry ${registry.address}`,
        ...Object.fromEntries(
          Object.entries(foreign).map(([job, host]) => [
            job,
            [{ field: 'data.image.ref', message: `registry ${host} is not the pipeline's registry ${registry.address}` }],
          ]),
        ),
      });
      expect(connections).toBe(0);
      process.stderr.write(`hostile scan: ${probes.length} liveness probes during the scans, slowest ${Math.max(...probes)} ms\n`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('close', resolve)));
    }
  }, 240_000);
});

/** `reason` of each `scan.json` under `reports/evil/<job>/latest/…`, by job. */
async function scanReports(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  if (!existsSync(root)) return found;
  for (const job of await readdir(root)) {
    const latest = path.join(root, job, 'latest');
    for (const scan of existsSync(latest) ? await readdir(latest) : []) {
      const file = path.join(latest, scan, 'scan.json');
      if (existsSync(file)) found[job] = (JSON.parse(await readFile(file, 'utf8')) as ScanReport).reason ?? '';
    }
  }
  return found;
}

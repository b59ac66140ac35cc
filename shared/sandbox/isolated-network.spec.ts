import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendantsOf } from '../process/kill-tree';
import { runSandboxed } from './bwrap';
import type { SandboxRequest } from './types';

/** A TCP listener that counts who reached it. */
interface Listener {
  server: Server;
  port: number;
  connections: number;
  sockets: Set<Socket>;
}

/** Answers every connection at once with a minimal HTTP response, so curl prints `reached`. */
async function listen(host: string): Promise<Listener> {
  const listener: Listener = { server: createServer(), port: 0, connections: 0, sockets: new Set() };
  listener.server.on('connection', (socket) => {
    listener.connections += 1;
    listener.sockets.add(socket);
    socket.on('close', () => listener.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('HTTP/1.0 200 OK\r\nContent-Length: 8\r\n\r\nreached\n');
  });
  await new Promise<void>((resolve) => listener.server.listen(0, host, resolve));
  listener.port = (listener.server.address() as AddressInfo).port;
  return listener;
}

/** The host's first non-loopback IPv4 address (what `hostname -I` lists first), if it has one. */
function hostAddress(): string | null {
  const addresses = Object.values(os.networkInterfaces()).flatMap((list) => list ?? []);
  return addresses.find((address) => address.family === 'IPv4' && !address.internal)?.address ?? null;
}

/** slirp4netns processes this test process started (through runSandboxed), by pid. */
function slirpChildren(): number[] {
  return descendantsOf(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'slirp4netns';
    } catch {
      return false;
    }
  });
}

/** A connection attempt from inside: prints `reached` or `blocked`. */
const tryConnect = (url: string): string => `curl -s --max-time 3 ${url} || echo blocked`;

/** Real bwrap and slirp4netns: what a script can reach with each network setting. */
describe('the prebuild sandbox network', () => {
  let dir: string;
  let work: string;
  let loopback: Listener;
  let external: Listener | null;
  const address = hostAddress();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sandbox-net-'));
    work = path.join(dir, 'work');
    await mkdir(work);
    loopback = await listen('127.0.0.1');
    external = address ? await listen(address) : null;
  });
  afterAll(async () => {
    for (const listener of [loopback, external]) {
      if (!listener) continue;
      for (const socket of listener.sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.server.close(() => resolve()));
    }
    await rm(dir, { recursive: true, force: true });
  });

  function request(script: string, overrides: Partial<SandboxRequest> = {}): SandboxRequest {
    return {
      workDir: work,
      insideWorkDir: '/build/src',
      cwd: '/build/src',
      command: '/bin/sh',
      args: ['-c', script],
      env: {},
      hide: [dir],
      network: 'isolated',
      maxOutputBytes: 1024 * 1024,
      timeoutMs: 30_000,
      ...overrides,
    };
  }

  async function sections(script: string, overrides: Partial<SandboxRequest> = {}): Promise<Record<string, string>> {
    let out = '';
    const result = await runSandboxed(request(script, { onOutput: (text) => void (out += text), ...overrides }));
    expect(result.exitCode).toEqual(0);
    return Object.fromEntries(
      out
        .split(/^== /m)
        .filter(Boolean)
        .map((part) => [part.slice(0, part.indexOf('\n')), part.slice(part.indexOf('\n') + 1).trim()]),
    );
  }

  it('isolated (the default): no host socket in sight, the host loopback unreachable, the outside path configured', async () => {
    const before = loopback.connections;
    const found = await sections(
      [
        'echo "== tcp"; tail -n +2 /proc/net/tcp /proc/net/tcp6 | grep -c ":" || true',
        'echo "== route"; cat /proc/net/route',
        'echo "== resolv"; cat /etc/resolv.conf',
        `echo "== loopback"; ${tryConnect(`http://127.0.0.1:${loopback.port}/`)}`,
        `echo "== gateway"; ${tryConnect(`http://10.0.2.2:${loopback.port}/`)}`,
        ...(external ? [`echo "== external"; ${tryConnect(`http://${address}:${external.port}/`)}`] : []),
      ].join('\n'),
    );
    // Gateway 10.0.2.2 is 0202000A in /proc/net/route's little-endian hex.
    expect({ ...found, route: /^tap0\s+00000000\s+0202000A\s/m.test(found.route ?? ''), connections: loopback.connections - before }).toEqual({
      tcp: '0',
      route: true,
      resolv: 'nameserver 10.0.2.3',
      loopback: 'blocked',
      gateway: 'blocked',
      // A service on the host's own outside address is as reachable as any outside host (this
      // host has one: 192.0.2.2 here; a host without one leaves this line out).
      ...(external ? { external: 'reached' } : {}),
      connections: 0,
    });
  }, 60_000);

  it.each([
    ['host', 'reached', 1],
    ['off', 'blocked', 0],
  ] as const)(
    '%s: the host loopback listener is %s',
    async (network, expected, arrivals) => {
      const before = loopback.connections;
      const found = await sections(
        `echo "== loopback"; ${tryConnect(`http://127.0.0.1:${loopback.port}/`)}${external ? `\necho "== external"; ${tryConnect(`http://${address}:${external.port}/`)}` : ''}`,
        { network },
      );
      expect({ ...found, connections: loopback.connections - before }).toEqual({
        loopback: expected,
        ...(external ? { external: expected } : {}),
        connections: arrivals,
      });
    },
    60_000,
  );

  it.each([
    ['the script ends', 'sleep 1', (): Partial<SandboxRequest> => ({})],
    ['it times out', 'sleep 30', (): Partial<SandboxRequest> => ({ timeoutMs: 1500 })],
    ['it is aborted', 'sleep 30', (): Partial<SandboxRequest> => ({ signal: AbortSignal.timeout(1500) })],
  ])(
    'slirp4netns runs while the script does and is gone once %s',
    async (_name, script, overrides) => {
      const running = runSandboxed(request(script, overrides()));
      let seen: number[] = [];
      for (let i = 0; i < 40 && seen.length === 0; i++) {
        await sleep(25);
        seen = slirpChildren();
      }
      const result = await running;
      // slirp4netns forks a child that joins the namespace: one or two processes while it runs.
      expect({ seen: seen.length > 0, after: slirpChildren(), alive: seen.filter((pid) => readFileOr(`/proc/${pid}/comm`) === 'slirp4netns') }).toEqual({
        seen: true,
        after: [],
        alive: [],
      });
      expect(result.exitCode === 0 || result.timedOut || result.aborted).toBe(true);
    },
    60_000,
  );

  it.each([
    ['not installed', null, 'slirp4netns (Debian package slirp4netns) is not installed'],
    ['cannot start', '/nonexistent/slirp4netns', 'no isolated network: slirp4netns could not start'],
  ])(
    'slirp4netns %s: the step fails and the script never runs',
    async (_name, slirp4netns, reason) => {
      const marker = path.join(work, `ran-${String(slirp4netns === null)}`);
      await expect(runSandboxed(request(`touch /build/src/${path.basename(marker)}`), { slirp4netns })).rejects.toMatchObject({
        name: 'SandboxUnavailableError',
        message: expect.stringContaining(reason),
      });
      await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
    },
    60_000,
  );
});

function readFileOr(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

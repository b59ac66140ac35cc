import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { RegistryAccess } from '../builds/builder-types';
import type { Config } from '../config/config';
import { newNotifyToken, notifyTokenHeaders } from './notify-token';
import { loadOrCreateLogin, readLogin, writeHtpasswd, type RegistryLogin } from './registry-login';

export interface LocalRegistryOptions {
  /** Folder for the registry's config, storage and pid file. */
  dir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where the registry POSTs its push notifications (Docker distribution events). */
  notificationsUrl?: string;
  /** How long to wait for `/v2/` to answer; 15 s by default. */
  startTimeoutMs?: number;
  /**
   * Ask for a Basic auth login (htpasswd), kept in `<dir>/login.json` and reused across starts.
   * The embedded runtime always does: code it builds can reach 127.0.0.1. Off by default for
   * tests that stand it in for someone else's anonymous registry.
   */
  login?: boolean;
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT`, what image references start with. */
  address: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The Bearer token its push notifications carry, new on every start; `null` without notifications. */
  notifyToken: string | null;
  /** The login it asks for; `null` when started without one. */
  login: RegistryLogin | null;
  /** Address, plain http (no TLS verify) and login: what a client of this registry needs. */
  access: RegistryAccess;
  stop(): Promise<void>;
}

/** The registry could not start: missing binary, port taken, or no answer in time. */
export class RegistryStartError extends Error {
  override readonly name = 'RegistryStartError';
}

/**
 * Starts Debian's `docker-registry` (the CNCF distribution registry) on 127.0.0.1 with its
 * config and filesystem storage under `dir`, optionally with push notifications (carrying a
 * random Bearer token made for this start, `notifyToken`), optionally asking for a Basic auth
 * login (`login`: htpasswd, the user and password of `<dir>/login.json`), and waits until
 * `GET /v2/` answers 200. A registry this function started earlier from the same `dir` (its pid file
 * says so) is stopped first, so a crashed run leaves nothing behind on the next.
 * @see https://distribution.github.io/distribution/about/configuration/
 */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const dir = path.resolve(options.dir);
  await mkdir(path.join(dir, 'storage'), { recursive: true });
  await stopPrevious(dir);
  const configFile = path.join(dir, 'config.yml');
  // The same port as the last start on this data dir when it is free: stored image references,
  // build records and events journalled by a killed run name the registry by host:port.
  const port = options.port || (await previousPort(configFile)) || (await freePort());
  const address = `127.0.0.1:${port}`;
  const notifyToken = options.notificationsUrl ? newNotifyToken() : null;
  // The config holds the notification token: readable by this user only.
  await rm(configFile, { force: true });
  const login = options.login ? await loadOrCreateLogin(dir) : null;
  const htpasswd = login ? await writeHtpasswd(dir, login) : null;
  await writeFile(configFile, stringify(registryConfig(dir, address, options.notificationsUrl, notifyToken, htpasswd)), { mode: 0o600 });

  const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code) => resolve(`exited with ${code}`));
  });
  await writeFile(path.join(dir, 'registry.pid'), `${child.pid}\n`);
  // However this process ends (process.exit, a fatal error), the registry it started ends with it
  // rather than living on orphaned; 'exit' handlers must be synchronous, and kill is.
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const url = `http://${address}`;
  try {
    await waitUntilUp(url, login, exited, options.startTimeoutMs ?? 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new RegistryStartError(`docker-registry on ${address}: ${(error as Error).message}. ${stderr.join('').trim().split('\n').slice(-3).join(' ')}`);
  }
  const access: RegistryAccess = { address, tlsVerify: false, ...(login ?? {}) };
  return { address, url, notifyToken, login, access, stop: () => stop(child, dir) };
}

function registryConfig(
  dir: string,
  address: string,
  notificationsUrl: string | undefined,
  notifyToken: string | null,
  htpasswd: string | null,
): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'storage') }, delete: { enabled: true } },
    http: { addr: address, headers: { 'X-Content-Type-Options': ['nosniff'] } },
    ...(htpasswd ? { auth: { htpasswd: { realm: 'ccp', path: htpasswd } } } : {}),
    ...(notificationsUrl
      ? {
          notifications: {
            endpoints: [
              {
                name: 'ccp',
                url: notificationsUrl,
                headers: notifyTokenHeaders(notifyToken ?? ''),
                timeout: '2s',
                threshold: 5,
                backoff: '1s',
                ignoredmediatypes: ['application/octet-stream'],
              },
            ],
          },
        }
      : {}),
  };
}

/** Waits for a 200 on `/v2/`, with the login when there is one: a registry that refuses it is not up. */
async function waitUntilUp(url: string, login: RegistryLogin | null, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const headers: Record<string, string> = login ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` } : {};
  const deadline = Date.now() + timeoutMs;
  let gone: string | null = null;
  void exited.then((reason) => (gone = reason));
  while (Date.now() < deadline) {
    if (gone) throw new Error(gone);
    try {
      const response = await fetch(`${url}/v2/`, { headers, signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer on ${url}/v2/ within ${timeoutMs} ms`);
}

function stop(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      void rm(path.join(dir, 'registry.pid'), { force: true }).then(() => resolve());
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** The pid of the docker-registry started from `dir` (its pid file, a process serving our config), or `null`. */
async function runningPid(dir: string): Promise<number | null> {
  const pid = Number((await readFile(path.join(dir, 'registry.pid'), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('docker-registry') && cmdline.includes(path.join(dir, 'config.yml')) ? pid : null;
}

/** Stops the registry a previous run started from `dir`, if its pid still runs docker-registry with our config. */
async function stopPrevious(dir: string): Promise<void> {
  const pid = await runningPid(dir);
  if (pid) process.kill(pid, 'SIGTERM');
  await rm(path.join(dir, 'registry.pid'), { force: true });
}

/**
 * The registry a running `ccp serve`/`run` started under `<dataDir>/registry` (its address and
 * login), or `null` when none runs there. For commands of another process on the same data dir.
 */
export async function runningLocalRegistry(dataDir: string): Promise<{ address: string; login: RegistryLogin | null } | null> {
  const dir = path.resolve(dataDir, 'registry');
  if (!(await runningPid(dir))) return null;
  const config = parse(await readFile(path.join(dir, 'config.yml'), 'utf8').catch(() => '')) as { http?: { addr?: unknown }; auth?: unknown } | null;
  const address = config?.http?.addr;
  if (typeof address !== 'string') return null;
  return { address, login: config?.auth ? await readLogin(dir) : null };
}

/**
 * `config` with the login of the registry a running ccp started on its data dir, when that is
 * the registry `config` names (or it names none) and no login is configured: so that `ccp scan`
 * next to `ccp serve` reads that registry's images as the pipeline does.
 */
export async function withRunningLocalRegistry(config: Config): Promise<Config> {
  if (config.registryAuth) return config;
  const running = await runningLocalRegistry(config.dataDir);
  if (!running?.login || (config.registry && config.registry.toLowerCase() !== running.address)) return config;
  return { ...config, registry: running.address, registryAuth: running.login };
}

/** The port of the last start's config when it can be listened on now; `null` otherwise. */
async function previousPort(configFile: string): Promise<number | null> {
  const text = await readFile(configFile, 'utf8').catch(() => null);
  if (text === null) return null;
  let addr: unknown;
  try {
    addr = (parse(text) as { http?: { addr?: unknown } } | null)?.http?.addr;
  } catch {
    return null;
  }
  const port = typeof addr === 'string' ? Number(/^127\.0\.0\.1:(\d{1,5})$/.exec(addr)?.[1]) : NaN;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) return null;
  return (await canListen(port)) ? port : null;
}

/** Whether 127.0.0.1:`port` can be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { S3_TEST_ENV } from './s3-env';
import type { StartedService, TestService } from './service';

const SCRIPTS = path.resolve(__dirname, '..', '..', 'scripts');
const STATE_PREFIX = 'ccp-test-ceph-';
const START_TIMEOUT_MS = 120_000;
const INSTALL_HINT = 'apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl';

/**
 * A real S3 server for the tests: a single-node Ceph (monitor, memstore OSD, radosgw) on
 * 127.0.0.1, started by scripts/ceph-s3-up.sh in a fresh temporary folder with free ports and
 * random credentials, so that parallel jest runs (several engineers, CI) never share one.
 * @see https://docs.ceph.com/en/pacific/radosgw/
 */
export const cephS3: TestService = {
  name: 'Ceph radosgw (S3)',
  usedBy: /\btestS3Settings\(/,
  errorVariable: S3_TEST_ENV.error,
  start: startCephS3,
};

async function startCephS3(): Promise<StartedService> {
  await reapOrphans();
  try {
    return await startCluster();
  } catch (first) {
    // A fresh single-node cluster very rarely trips over itself at start; one clean retry
    // (new folder, new ports) beats failing every S3 test of the run.
    if (/ is missing; install/.test((first as Error).message)) throw first;
    try {
      return await startCluster();
    } catch (second) {
      throw new Error(`${(second as Error).message}\n(an earlier attempt failed too: ${(first as Error).message.split('\n')[0]})`);
    }
  }
}

async function startCluster(): Promise<StartedService> {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), STATE_PREFIX));
  // Whose cluster this is, so a later run can clean up after a run that was killed.
  await fs.writeFile(path.join(stateDir, 'owner.pid'), `${process.pid}\n`);
  const [port, monPort] = await freePorts(2);
  const accessKeyId = `CCP${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(20).toString('base64url');
  const clusterDir = path.join(stateDir, 'cluster');
  const stop = async (): Promise<void> => stopCluster(stateDir);
  try {
    await runUpScript({ D: clusterDir, PORT: String(port), MON_PORT: String(monPort), ACCESS_KEY: accessKeyId, SECRET_KEY: secretAccessKey });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    env: {
      [S3_TEST_ENV.endpoint]: `http://127.0.0.1:${port}`,
      [S3_TEST_ENV.accessKeyId]: accessKeyId,
      [S3_TEST_ENV.secretAccessKey]: secretAccessKey,
    },
    stop,
    stopSync: () => stopClusterSync(stateDir),
  };
}

function runUpScript(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills the script and whatever it runs at that moment.
    const child = spawn('bash', [path.join(SCRIPTS, 'ceph-s3-up.sh')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`Ceph did not come up within ${START_TIMEOUT_MS / 1000} s; output:\n${tail(output)}`));
    }, START_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run scripts/ceph-s3-up.sh (${error.message}); needs bash and: ${INSTALL_HINT}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`scripts/ceph-s3-up.sh failed (exit ${code}); to install Ceph: ${INSTALL_HINT}\n${tail(output)}`));
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Free TCP ports on 127.0.0.1, each held until all are found so none repeats. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Kills exactly what this cluster started: the PIDs in its pid files, then any process still
 * running with this cluster's own config file (a daemon whose pid file was not written yet). */
async function stopCluster(stateDir: string): Promise<void> {
  await promisify(execFile)('bash', [path.join(SCRIPTS, 'ceph-s3-down.sh'), path.join(stateDir, 'cluster')]).catch(() => undefined);
  const configFile = path.join(stateDir, 'cluster', 'ceph.conf');
  killByConfig(configFile);
  // SIGKILL is not instant; leave only when none of them runs any more.
  for (let waited = 0; waited < 5_000 && processesUsing(configFile).length > 0; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await fs.rm(stateDir, { recursive: true, force: true });
}

/** The same, synchronously, for a process `exit` handler (jest killed before its teardown). */
function stopClusterSync(stateDir: string): void {
  const runDir = path.join(stateDir, 'cluster', 'run');
  if (existsSync(runDir)) {
    for (const name of readdirSync(runDir).filter((file) => file.endsWith('.pid'))) {
      const pid = Number(readFileSync(path.join(runDir, name), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 1) killQuietly(pid);
    }
  }
  killByConfig(path.join(stateDir, 'cluster', 'ceph.conf'));
}

function killByConfig(configFile: string): void {
  for (const pid of processesUsing(configFile)) killQuietly(pid);
}

/** PIDs of running processes started with `-c <configFile>` (unique to one cluster). */
function processesUsing(configFile: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(configFile)) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Stops clusters left by earlier runs of this machine whose jest process is gone. */
async function reapOrphans(): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await fs.readdir(tmp)) {
    if (!name.startsWith(STATE_PREFIX)) continue;
    const stateDir = path.join(tmp, name);
    const ownerText = await fs.readFile(path.join(stateDir, 'owner.pid'), 'utf8').catch(() => null);
    if (ownerText === null) {
      // Just made by a run that has not written its owner yet, unless it is old.
      const stat = await fs.stat(stateDir).catch(() => null);
      if (!stat || Date.now() - stat.mtimeMs < 3_600_000) continue;
    } else if (isAlive(Number(ownerText.trim()))) {
      continue;
    }
    await stopCluster(stateDir);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

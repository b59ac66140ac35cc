import { randomUUID } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { BuildSummary } from '../../cli/commands/build';
import { removeStorage } from '../../shared/builds/storage';
import { createLocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { HTPASSWD, REGISTRY_PASSWORD, REGISTRY_USER, startRegistryVariant, type RegistryVariant } from '../builders/registry-variants';
import { ATTACK_DOCKERFILE, attackPrebuild, FLOOD_PREBUILD, NETWORK_PREBUILD } from './__fixtures__/prebuild-attacks';
import { indexEntry, prebuildLines } from './__fixtures__/harness';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

/** Secrets of the ccp process, in its environment from exec on (what /proc/<pid>/environ shows). */
const SECRETS = {
  registry: REGISTRY_PASSWORD,
  webhook: 'hostile-Webhook-Secret-7f3a9c2e1d5b',
  smtp: 'hostile-Smtp-Password-b8e4d6a0c2f9',
};

/**
 * Every form a script could print a secret in: raw, reversed, hex, and base64 at the three
 * byte alignments it can have inside a longer stream (the core that does not depend on its
 * neighbours). Haystacks are searched with whitespace removed too, for wrapped output.
 */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = [0, 1, 2].map((pad) => {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x20), bytes]).toString('base64');
    return encoded.slice([0, 2, 3][pad], -4);
  });
  return [secret, [...secret].reverse().join(''), bytes.toString('hex'), bytes.toString('hex').toUpperCase(), ...base64];
}

/** Which forms of which secret occur in `text` (or in it without whitespace). */
function leaks(text: string): string[] {
  const squeezed = text.replace(/\s+/g, '');
  return Object.entries(SECRETS).flatMap(([name, secret]) =>
    forms(secret)
      .filter((form) => text.includes(form) || squeezed.includes(form))
      .map((form) => `${name}: ${form}`),
  );
}

/** Every regular file under `dir` as text (latin1), gzip members unpacked. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) continue;
    let text = bytes.toString('latin1');
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) text += gunzipText(bytes);
    found.set(file, text);
  }
  return found;
}

function gunzipText(bytes: Buffer): string {
  try {
    return gunzipSync(bytes).toString('latin1');
  } catch {
    return '';
  }
}

/** Runs the real CLI (`ccp build`) in a child process, so the secrets are in its exec-time environment. */
async function ccpBuild(args: string[], env: Record<string, string>): Promise<{ code: number | null; summary: BuildSummary | null; stderr: string }> {
  const hook = [
    "const ts = require('typescript'); const fs = require('fs');",
    "require.extensions['.ts'] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, 'utf8'), { fileName: f, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, f);",
    `require(${JSON.stringify(path.join(ROOT, 'cli', 'main.ts'))}).cli();`,
  ].join('\n');
  const child = spawn(process.execPath, ['-e', hook, 'ccp', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  let summary: BuildSummary | null = null;
  try {
    summary = JSON.parse(stdout) as BuildSummary;
  } catch {
    summary = null;
  }
  return { code, summary, stderr };
}

describe('hostile prebuild scripts and RUN steps, through ccp build with secrets in its environment', () => {
  let dir: string;
  let dataDir: string;
  let mailDir: string;
  let indexDir: string;
  let registry: RegistryVariant;
  let hostTmpBefore: string[];
  /** A service on the host's loopback, as the embedded registry and ccp's event door are; counts who reaches it. */
  let local: Server;
  let localConnections = 0;
  const localSockets = new Set<Socket>();
  const LOOPBACK_PROBE = `loopback-probe-${randomUUID()}`;
  const marker = `ccp-hostile-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-'));
    dataDir = path.join(dir, 'data');
    mailDir = path.join(dir, 'mail');
    registry = await startRegistryVariant({ dir: path.join(dir, 'registry'), htpasswd: HTPASSWD });
    const access = { address: registry.address, tlsVerify: false, username: REGISTRY_USER, password: REGISTRY_PASSWORD };
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'hostile/base:latest', registry: access });
    // Counted only when the request names this test's probe path: other tests' attacks scan the
    // host's listening ports (/proc/net/tcp) and may knock here too while files run in parallel.
    local = createServer((socket) => {
      localSockets.add(socket);
      socket.once('close', () => localSockets.delete(socket));
      let request = '';
      socket.on('data', (chunk: Buffer) => {
        request += chunk.toString('latin1');
        if (!request.includes('\r\n')) return;
        if (request.startsWith(`GET /${LOOPBACK_PROBE} `)) localConnections += 1;
        socket.end('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const localPort = (local.address() as AddressInfo).port;
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit({
      'evil/prebuild.sh': {
        content: attackPrebuild({ dataDir, buildsDir: path.join(dataDir, 'work', 'builds'), hostTmp: os.tmpdir(), marker }),
        executable: true,
      },
      'evil/Dockerfile': ATTACK_DOCKERFILE,
      'flood/prebuild.sh': { content: FLOOD_PREBUILD, executable: true },
      'flood/Dockerfile': 'FROM hostile/base:latest\nCMD ["true"]\n',
      'offline/prebuild.sh': { content: NETWORK_PREBUILD(`http://${registry.address}/v2/`), executable: true },
      'offline/Dockerfile': 'FROM hostile/base:latest\nCOPY net.txt /net.txt\n',
      // Straight to the host's 127.0.0.1, through slirp4netns's gateway for it, and a look at the sockets.
      'loopback/prebuild.sh': {
        content: [
          '#!/bin/sh',
          ...[`http://127.0.0.1:${localPort}/${LOOPBACK_PROBE}`, `http://10.0.2.2:${localPort}/${LOOPBACK_PROBE}`].map(
            (url) => `if curl -s -o /dev/null --max-time 5 ${url}; then echo "LOOPBACK reached ${url}"; else echo "LOOPBACK blocked ${url}"; fi`,
          ),
          'echo "LOOPBACK sockets=$(tail -n +2 /proc/net/tcp | wc -l)"',
          '',
        ].join('\n'),
        executable: true,
      },
      'loopback/Dockerfile': 'FROM hostile/base:latest\nCMD ["true"]\n',
    });
    indexDir = path.join(dir, 'index');
    const project = (job: string, id: number): string =>
      indexEntry({ id: id + 1, appId: 'hostile', job, gitUrl: repo.url, extra: [...prebuildLines(job), '    depends-on: null'] });
    await mkdir(path.join(indexDir, 'index.d'), { recursive: true });
    await writeFile(
      path.join(indexDir, 'index.d', 'hostile.yaml'),
      `Projects:\n${['evil', 'flood', 'offline', 'loopback'].map((job, id) => project(job, id)).join('\n\n')}\n`,
    );
    hostTmpBefore = await readdir(os.tmpdir());
  }, 120_000);

  afterAll(async () => {
    // A port scanner's connection that never sends a line would hold close() open.
    for (const socket of localSockets) socket.destroy();
    await new Promise((resolve) => local?.close(resolve));
    await registry?.stop();
    await removeStorage(path.join(dataDir, 'buildah', 'storage'), path.join(dataDir, 'buildah', 'run')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  const build = (project: string, extra: Record<string, string> = {}) =>
    ccpBuild(['--data-dir', dataDir, '--registry', registry.address, 'build', project, '--index', indexDir, '--json'], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(dir, 'home'),
      CCP_REGISTRY_USERNAME: REGISTRY_USER,
      CCP_REGISTRY_PASSWORD: SECRETS.registry,
      CCP_REGISTRY_TLS_VERIFY: 'false',
      CCP_WEBHOOK_SECRET: SECRETS.webhook,
      CCP_SMTP_PASSWORD: SECRETS.smtp,
      CCP_MAIL_TO_DIR: mailDir,
      CCP_LINT_FAILURE_THRESHOLD: 'none',
      ...extra,
    });

  it('a prebuild and a RUN that go after the pipeline find nothing, leak nothing, write nothing outside the build', async () => {
    const { code, summary, stderr } = await build('hostile/evil:latest');
    expect({ code, status: summary?.project.build.status, reason: summary?.project.build.reason, stderr: code === 0 ? '' : stderr }).toEqual({
      code: 0,
      status: 'succeeded',
      reason: undefined,
      stderr: '',
    });
    const log = await readFile(summary!.project.build.log!, 'utf8');

    // The attacks ran, and saw an empty world: only the sandbox's processes, no pipeline, no
    // data dir; every write outside the checkout refused (or, for /tmp, into its own tmpfs).
    const attack = Object.fromEntries([...log.matchAll(/^ATTACK (\S+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
    expect(Number(attack.procs)).toBeLessThanOrEqual(6);
    expect(attack).toEqual(
      expect.objectContaining({
        'ccp-visible': '0',
        'data-dir': 'absent',
        store: 'absent',
        'pid1-data-dir': 'absent',
        [`write:${dataDir}/pwned`]: 'refused',
        [`write:${dataDir}/work/builds/pwned`]: 'refused',
        'write:/build/pwned': 'refused',
        'write:../../pwned': 'refused',
        'write:/usr/pwned': 'refused',
        done: 'yes',
      }),
    );
    const run = Object.fromEntries([...log.matchAll(/^RUNATTACK (\S+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
    // bwrap's init, buildah and its chroot helpers, the RUN shell: never the host's hundreds.
    expect(Number(run.procs)).toBeLessThanOrEqual(12);
    expect(run).toEqual(expect.objectContaining({ 'ccp-visible': '0', 'pid1-root': 'denied', chroot: 'refused' }));

    // No secret in any form: build log, every report and record of the store, the mails, the
    // CLI's own output, every file of the data dir (buildah's storage holds the image's layers
    // unpacked), and the pushed image itself (config and layers, as the registry serves them).
    expect(leaks(log)).toEqual([]);
    expect(leaks(stderr)).toEqual([]);
    const everywhere = new Map([...(await filesUnder(dataDir)), ...(await filesUnder(mailDir))]);
    expect([...everywhere].flatMap(([file, text]) => leaks(text).map((leak) => `${file}: ${leak}`))).toEqual([]);
    const image = path.join(dir, 'image');
    const authFile = path.join(dir, 'skopeo-auth.json');
    await writeFile(
      authFile,
      JSON.stringify({ auths: { [registry.address]: { auth: Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64') } } }),
      { mode: 0o600 },
    );
    await exec('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--authfile',
      authFile,
      `docker://${registry.address}/hostile/evil:latest`,
      `dir:${image}`,
    ]);
    await rm(authFile);
    const layers = await filesUnder(image);
    expect([...layers.values()].some((text) => text.includes('prebuild-env.txt'))).toBe(true);
    expect([...layers].flatMap(([file, text]) => leaks(text).map((leak) => `${file}: ${leak}`))).toEqual([]);

    // Nothing written outside the build folder: no marker anywhere under the test's folder or
    // the host's /tmp, and the build folder itself is gone.
    const written = [...(await readdir(dir, { recursive: true }))].filter((name) => /pwned/.test(name));
    expect(written).toEqual([]);
    expect((await readdir(os.tmpdir())).filter((name) => name.includes(marker) || (!hostTmpBefore.includes(name) && /pwned/.test(name)))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'work', 'builds'))).toEqual([]);
  }, 240_000);

  it('a prebuild that floods its output is stopped and fails the build, and the log stays small', async () => {
    const { code, summary } = await build('hostile/flood:latest', { CCP_PREBUILD_MAX_OUTPUT: '64kb' });
    expect({ code, status: summary?.project.build.status, reason: summary?.project.build.reason }).toEqual({
      code: 1,
      status: 'failed',
      reason: 'prebuild script ./prebuild.sh stopped: more than 65536 bytes of output (CCP_PREBUILD_MAX_OUTPUT)',
    });
    const log = await readFile(summary!.project.build.log!, 'utf8');
    expect(Buffer.byteLength(log)).toBeLessThan(80 * 1024);
  }, 180_000);

  it.each([
    ['host', 'NET reached'],
    ['off', 'NET blocked'],
  ])(
    'CCP_PREBUILD_NETWORK=%s: the prebuild reaches the registry on 127.0.0.1 or not',
    async (network, expected) => {
      const { code, summary } = await build('hostile/offline:latest', { CCP_PREBUILD_NETWORK: network });
      expect({ code, status: summary?.project.build.status }).toEqual({ code: 0, status: 'succeeded' });
      expect(await readFile(summary!.project.build.log!, 'utf8')).toContain(expected);
    },
    180_000,
  );

  it("with the default network, a prebuild that goes for a service on the host's 127.0.0.1 reaches nothing", async () => {
    const { code, summary } = await build('hostile/loopback:latest');
    expect({ code, status: summary?.project.build.status }).toEqual({ code: 0, status: 'succeeded' });
    const log = await readFile(summary!.project.build.log!, 'utf8');
    expect({
      tries: [...log.matchAll(/^LOOPBACK (\S+)/gm)].map((match) => match[1]),
      sockets: /LOOPBACK sockets=(\d+)/.exec(log)?.[1],
      arrived: localConnections,
    }).toEqual({
      tries: ['blocked', 'blocked', 'sockets=0'],
      sockets: '0',
      arrived: 0,
    });
  }, 180_000);
});

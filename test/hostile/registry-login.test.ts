import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '../../cli/commands/run';
import { main } from '../../cli/main';
import type { CliIo } from '../../cli/types';
import { FETCH_FAILED } from '../../functions/scan/scan-image';
import { removeStorage } from '../../shared/builds/storage';
import { createLocalRepo } from '../../shared/git/local-repo';
import { startLocalRegistry } from '../../shared/registry/local-registry';
import type { RegistryLogin } from '../../shared/registry/registry-login';
import { BASE_PREBUILD, registryAttack } from './__fixtures__/registry-attack';
import { indexEntry, prebuildLines } from './__fixtures__/harness';

/** Every form the login could be printed in: raw, reversed, hex, the Basic header's base64, the password's base64 at each alignment. */
function forms(login: RegistryLogin): string[] {
  const password = Buffer.from(login.password);
  const base64 = [0, 1, 2].map((pad) =>
    Buffer.concat([Buffer.alloc(pad, 0x20), password])
      .toString('base64')
      .slice([0, 2, 3][pad], -4),
  );
  return [
    login.username,
    login.password,
    [...login.password].reverse().join(''),
    password.toString('hex'),
    Buffer.from(`${login.username}:${login.password}`).toString('base64'),
    ...base64,
  ];
}

/** Every regular file under `dir` as latin1 text. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    found.set(file, (await readFile(file).catch(() => Buffer.alloc(0))).toString('latin1'));
  }
  return found;
}

/**
 * The registry `ccp run` starts on 127.0.0.1 is reachable from untrusted build steps (a prebuild
 * with network on, a `RUN` under buildah's chroot isolation, which shares the host's network). A
 * real `ccp run --once` on an index whose prebuild and `RUN` find that registry through
 * /proc/net/tcp and push over raw HTTP (busybox nc) into it: every request is refused 401,
 * nothing is planted or overwritten, the login is nowhere they look, and the pipeline's own
 * pushes, parent pulls and scans, which use the login, succeed.
 */
describe('the registry ccp starts asks for a login that untrusted build steps do not have (ccp run --once)', () => {
  let dir: string;
  let dataDir: string;
  let mailDir: string;
  let code: number;
  let summary: RunSummary;
  const io = { out: '', err: '' };
  const project = (job: string) => summary.projects.find((item) => item.project === `hostile/${job}:latest`)!;
  const buildLog = (job: string) => readFile(project(job).build.log!, 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-registry-login-'));
    dataDir = path.join(dir, 'data');
    mailDir = path.join(dir, 'mail');
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    const attack = registryAttack(dataDir);
    await repo.commit({
      'victim/Dockerfile': 'FROM scratch\nCOPY victim.txt /victim.txt\n',
      'victim/victim.txt': 'the victim project\n',
      'base/Dockerfile': 'FROM scratch\nADD rootfs.tar /\nCMD ["/bin/sh"]\n',
      'base/prebuild.sh': { content: BASE_PREBUILD, executable: true },
      'base/attack.sh': attack,
      'runner/Dockerfile': 'FROM hostile/base:latest\nCOPY attack.sh /attack.sh\nRUN sh /attack.sh run\n',
      'runner/attack.sh': attack,
    });
    const entry = (id: number, job: string, extra: string[]): string => indexEntry({ id, appId: 'hostile', job, gitUrl: repo.url, extra });
    const indexDir = path.join(dir, 'index');
    await mkdir(path.join(indexDir, 'index.d'), { recursive: true });
    await writeFile(
      path.join(indexDir, 'index.d', 'hostile.yaml'),
      `Projects:\n${[
        entry(1, 'victim', ['    depends-on: null']),
        // After the victim: its attack then comes after the victim's image is in the registry.
        entry(2, 'base', [...prebuildLines('base'), '    depends-on: hostile/victim:latest']),
        entry(3, 'runner', ['    depends-on: hostile/base:latest']),
      ].join('\n\n')}\n`,
    );
    const cli: CliIo = { env: { CCP_MAIL_TO_DIR: mailDir }, cwd: dir, stdout: (text) => void (io.out += text), stderr: (text) => void (io.err += text) };
    code = await main(['--data-dir', dataDir, 'run', '--index', indexDir, '--once', '--json'], cli);
    summary = JSON.parse(io.out) as RunSummary;
  }, 300_000);

  afterAll(async () => {
    await removeStorage(path.join(dataDir, 'buildah', 'storage'), path.join(dataDir, 'buildah', 'run')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const login = async (): Promise<RegistryLogin> => JSON.parse(await readFile(path.join(dataDir, 'registry', 'login.json'), 'utf8')) as RegistryLogin;
  const basic = async (): Promise<Record<string, string>> => {
    const { username, password } = await login();
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  };

  it('builds, pushes and scans every project with the login (parents pulled through the alias too)', async () => {
    expect({ code, err: code === 0 ? '' : io.err }).toEqual({ code: 0, err: '' });
    expect(summary.projects.map((item) => [item.project, item.build.status, item.build.image])).toEqual([
      ['hostile/victim:latest', 'succeeded', `${summary.registry}/hostile/victim:latest`],
      ['hostile/base:latest', 'succeeded', `${summary.registry}/hostile/base:latest`],
      ['hostile/runner:latest', 'succeeded', `${summary.registry}/hostile/runner:latest`],
    ]);
    for (const item of summary.projects) {
      expect(item.scan.status).toEqual('completed');
      const report = JSON.parse(await readFile(item.scan.reports!.json, 'utf8')) as { image: { digest: string } };
      expect(report.image.digest).toEqual(item.build.digest);
      expect(Object.values(item.scan.scanners!).filter((scanner) => scanner.reason?.startsWith(FETCH_FAILED))).toEqual([]);
    }
  });

  // A RUN step always shares the host's network; a prebuild does with its network on as the host's
  // (a prebuild network isolated from the host's loopback does not reach the registry at all).
  it.each([
    ['the prebuild (network on)', 'base', 'prebuild', false],
    ['a RUN step (chroot isolation, host network)', 'runner', 'run', true],
  ])('%s: every read and push of the registry it finds is refused 401', async (_name, job, where, mustReach) => {
    const log = await buildLog(job);
    const lines = [...log.matchAll(new RegExp(`^REGATTACK ${where} (.*)$`, 'gm'))].map((match) => match[1]!);
    const reached = lines.filter((line) => line.startsWith(`${summary.registry} `));
    const refused = `${summary.registry} catalog=401 blob=401 victim=401 planted=401`;
    expect({ refusedOnly: reached.filter((line) => line !== refused), reached: reached.length === 1 || (!mustReach && reached.length === 0) }).toEqual({
      refusedOnly: [],
      reached: true,
    });
    expect(lines.filter((line) => line.startsWith('read:'))).toEqual([
      `read:${dataDir}/registry/login.json=absent`,
      `read:${dataDir}/registry/htpasswd=absent`,
      `read:${dataDir}/work/builds=absent`,
      `read:/proc/1/root${dataDir}/registry/login.json=absent`,
    ]);
    expect(log).toMatch(new RegExp(`^REGATTACK ${where} done=yes$`, 'm'));
  });

  it("plants nothing and overwrites nothing: the registry holds the pipeline's three images, the victim as built, which ccp scan reads", async () => {
    // The run stopped its registry: started again on its storage, with the login kept in the data dir.
    const registry = await startLocalRegistry({ dir: path.join(dataDir, 'registry'), login: true });
    try {
      expect(registry.login).toEqual(await login());
      const headers = await basic();
      expect(await (await fetch(`${registry.url}/v2/_catalog`, { headers })).json()).toEqual({
        repositories: ['hostile/base', 'hostile/runner', 'hostile/victim'],
      });
      const victim = await fetch(`${registry.url}/v2/hostile/victim/manifests/latest`, {
        method: 'HEAD',
        headers: { ...headers, accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect([victim.status, victim.headers.get('docker-content-digest')]).toEqual([200, project('victim').build.digest]);
      // `ccp scan` next to it, on the same data dir, reads it with the kept login: with its
      // address given (no login configured) and without.
      for (const globals of [['--registry', registry.address], []]) {
        const out = { stdout: '', stderr: '' };
        const cli: CliIo = { env: {}, cwd: dir, stdout: (text) => void (out.stdout += text), stderr: (text) => void (out.stderr += text) };
        const scanned = await main(['--data-dir', dataDir, ...globals, 'scan', 'hostile/victim:latest', '--json'], cli);
        const report = JSON.parse(out.stdout || '{}') as { image?: { ref: string; digest: string } };
        expect({ scanned, image: report.image, stderr: out.stderr }).toEqual({
          scanned: 0,
          image: { ref: `${registry.address}/hostile/victim:latest`, digest: project('victim').build.digest },
          stderr: '',
        });
      }
    } finally {
      await registry.stop();
    }
  });

  it("keeps the login only in the data dir (mode 0600), out of every log, report, mail and the attacks' findings", async () => {
    expect((await stat(path.join(dataDir, 'registry', 'login.json'))).mode & 0o777).toEqual(0o600);
    const found = forms(await login());
    const texts = new Map([...(await filesUnder(path.join(dataDir, 'store'))), ...(await filesUnder(mailDir)), ['stdout', io.out], ['stderr', io.err]]);
    expect(texts.size).toBeGreaterThan(3);
    expect([...texts].flatMap(([file, text]) => found.filter((form) => text.includes(form)).map((form) => `${file}: ${form}`))).toEqual([]);
    // Redaction would hide a find as ***: with no other secret configured, any *** in the attacks' logs is one.
    for (const job of ['base', 'runner']) expect((await buildLog(job)).includes('***')).toBe(false);
  });
});

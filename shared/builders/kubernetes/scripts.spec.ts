import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLocalRepo } from '../../git/local-repo';
import { BUILD_SCRIPT, CHECKOUT_SCRIPT, PREBUILD_SCRIPT } from './scripts';

const exec = promisify(execFile);

/** Runs one container's script with sh as the pod would, with the workspace and termination log in a folder. */
async function runScript(script: string, dir: string, env: Record<string, string>): Promise<{ code: number; message: string; output: string }> {
  const terminationLog = path.join(dir, 'termination-log');
  await writeFile(terminationLog, '');
  const result = await exec('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH, HOME: path.join(dir, 'home'), WORKSPACE: dir, TERMINATION_LOG: terminationLog, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  return { ...result, message: await readFile(terminationLog, 'utf8') };
}

describe('the build Job scripts', () => {
  it.each([
    ['checkout', CHECKOUT_SCRIPT],
    ['prebuild', PREBUILD_SCRIPT],
    ['build', BUILD_SCRIPT],
  ])('%s passes ShellCheck as POSIX sh', async (_name, script) => {
    const child = execFile('shellcheck', ['-s', 'sh', '-f', 'gcc', '-']);
    let findings = '';
    child.stdout?.on('data', (chunk: Buffer) => (findings += chunk.toString()));
    child.stdin?.end(script);
    await new Promise((resolve) => child.once('close', resolve));
    expect(findings).toBe('');
  });

  describe('run by sh against a real repository', () => {
    let dir: string;
    let url: string;
    let commit: string;

    beforeAll(async () => {
      const repo = await createLocalRepo();
      url = repo.url;
      commit = await repo.commit({ 'app/prepare.sh': { content: '#!/bin/sh\necho "prebuild $CCP_BUILD_ID" > made.txt\n', executable: true }, 'app/fail.sh': 'exit 3\n', 'app/slow.sh': 'sleep 20\n' });
    });

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-scripts-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const prebuild = (script: string, timeout = '10') =>
      runScript(PREBUILD_SCRIPT, dir, { PREBUILD_DIR: 'app', PREBUILD_SCRIPT: `app/${script}`, SCRIPT_NAME: `./${script}`, PREBUILD_TIMEOUT_SECONDS: timeout, CCP_BUILD_ID: 'b-1' });

    it('checks out the commit, then runs the prebuild in its context', async () => {
      expect((await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit })).code).toBe(0);
      expect(await prebuild('prepare.sh')).toEqual(expect.objectContaining({ code: 0, message: '' }));
      expect(await readFile(path.join(dir, 'src/app/made.txt'), 'utf8')).toBe('prebuild b-1\n');
    });

    it.each([
      ['fail.sh', '10', 'prebuild script ./fail.sh exited with 3'],
      ['slow.sh', '1', 'prebuild script ./slow.sh timed out after 1 s'],
      ['none.sh', '10', 'prebuild script app/none.sh not found in the repository'],
    ])('prebuild %s writes its reason to the termination log', async (script, timeout, message) => {
      await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit });
      expect(await prebuild(script, timeout)).toEqual(expect.objectContaining({ code: expect.any(Number), message }));
    });

    it('an unknown commit writes git’s fatal line', async () => {
      const result = await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: 'b'.repeat(40) });
      expect({ code: result.code, message: result.message }).toEqual({ code: 1, message: expect.stringMatching(/^fatal: .*not our ref/) });
    });
  });

  describe('paths that lead out of the checkout', () => {
    // Links point at canaries of the test's own, never at real host files.
    let host: string;
    let url: string;
    let commit: string;
    let dir: string;

    beforeAll(async () => {
      host = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-host-'));
      await mkdir(path.join(host, 'dir'));
      await writeFile(path.join(host, 'canary'), 'CANARY-K8S\n');
      await writeFile(path.join(host, 'dir', 'secret'), 'CANARY-K8S-DIR\n');
      await writeFile(path.join(host, 'script.sh'), '#!/bin/sh\necho CANARY-K8S-SCRIPT > ran.txt\n', { mode: 0o755 });
      const repo = await createLocalRepo();
      url = repo.url;
      await repo.commit({ 'app/Dockerfile': 'FROM scratch\n', 'clean/Dockerfile': 'FROM scratch\n', 'clean/inner/file': 'x\n' });
      const links: Array<[string, string]> = [
        ['app/Dockerfile.link', path.join(host, 'canary')],
        ['app/passwd', path.join(host, 'canary')],
        ['app/hostdir', path.join(host, 'dir')],
        ['app/up', '../..'],
        ['app/prepare.sh', path.join(host, 'script.sh')],
        ['clean/same', 'inner/file'],
      ];
      for (const [link, target] of links) await symlink(target, path.join(repo.dir, link));
      commit = await repo.commit({}, 'links');
    });
    afterAll(() => rm(host, { recursive: true, force: true }));

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-job-scripts-'));
      expect((await runScript(CHECKOUT_SCRIPT, dir, { GIT_URL: url, COMMIT: commit })).code).toBe(0);
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const build = (dockerfile: string, context: string) =>
      runScript(BUILD_SCRIPT, dir, { REGISTRIES_CONF_TEXT: '', TLS_VERIFY: 'false', DOCKERFILE: dockerfile, CONTEXT_DIR: context, IMAGE_REF: '127.0.0.1:1/x/y:z' });

    it.each([
      ['a Dockerfile linked to a host file', 'app/Dockerfile.link', 'clean', 'target-file app/Dockerfile.link leads out of the repository (-> $HOST/canary)'],
      ['a context linked to a host folder', 'app/Dockerfile', 'app/hostdir', 'build-context app/hostdir leads out of the repository (-> $HOST/dir)'],
      ['a context that climbs out through a link', 'app/Dockerfile', 'app/up/..', 'build-context app/up/.. leads out of the repository (-> $TMP)'],
      ['symlinks in the context that lead out', 'app/Dockerfile', 'app', 'build context app has symlinks that lead out of the repository: '],
    ])('build refuses %s before buildah runs', async (_case, dockerfile, context, message) => {
      const result = await build(dockerfile, context);
      const expected = message.replace('$HOST', host).replace('$TMP', path.dirname(dir));
      expect({ code: result.code, message: result.message.slice(0, expected.length), buildah: result.output.includes('==> build') }).toEqual({ code: 1, message: expected, buildah: false });
    });

    it('names up to three escaping links of the context, and only those', async () => {
      const { message } = await build('app/Dockerfile', 'app');
      const escaping = [`app/Dockerfile.link -> ${host}/canary`, `app/hostdir -> ${host}/dir`, `app/prepare.sh -> ${host}/script.sh`, 'app/up -> ../..'];
      const named = message.replace(/^.*repository: /, '').split(',');
      expect({ count: named.length, unknown: named.filter((item) => !escaping.includes(item)) }).toEqual({ count: 3, unknown: [] });
    });

    it.each([
      ['a prebuild script linked to a host script', 'app', 'app/prepare.sh', 'prebuild-script app/prepare.sh leads out of the repository (-> $HOST/script.sh)'],
      ['a prebuild context linked to a host folder', 'app/hostdir', 'app/hostdir/x.sh', 'prebuild-context app/hostdir leads out of the repository (-> $HOST/dir)'],
    ])('prebuild refuses %s and runs nothing', async (_case, prebuildDir, script, message) => {
      const result = await runScript(PREBUILD_SCRIPT, dir, { PREBUILD_DIR: prebuildDir, PREBUILD_SCRIPT: script, SCRIPT_NAME: script, PREBUILD_TIMEOUT_SECONDS: '10', CCP_BUILD_ID: 'b-1' });
      expect({ code: result.code, message: result.message }).toEqual({ code: 1, message: message.replace('$HOST', host) });
      expect(await readFile(path.join(host, 'canary'), 'utf8')).toEqual('CANARY-K8S\n');
      await expect(readFile(path.join(dir, 'src/app/ran.txt'))).rejects.toThrow();
    });
  });
});

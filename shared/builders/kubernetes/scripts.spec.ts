import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
});

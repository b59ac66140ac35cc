import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { prepareSample } from '../../cli/commands/sample';
import { mountsBelow, removeStorage } from '../../functions/build/builders/local';
import type { BuildRecord } from '../../shared/builds/types';
import { JOURNAL_PREFIX } from '../../shared/runtime/journal';
import { FsObjectStore } from '../../shared/store/fs-store';

const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');
const CLI = path.join(REPO, 'cli', 'main.ts');

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `ccp run --once` on the sample as a real process; `killAt` makes it SIGKILL itself there (shared/runtime/crash-point.ts). */
function ccpRun(dataDir: string, indexDir: string, mailDir: string, killAt: string | null): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, CCP_LOG_LEVEL: 'info', CCP_TEST_SIGKILL_AT: killAt ?? '' };
  delete env.CCP_CHAOS;
  const child = spawn(
    process.execPath,
    ['-r', REGISTER, CLI, '--data-dir', dataDir, 'run', '--index', indexDir, '--once', '--json', '--mail-to-dir', mailDir],
    { cwd: REPO, env },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The builds a process started, by project: `<project> started: building …` progress lines. */
function buildsStarted(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+(\S+) started: building /gm)].map((match) => match[1]!);
}

/**
 * kill -9 at the moments that matter, then a restart on the same data dir: during a lint,
 * during a build (at its `buildah bud` step), between a parent's end and its child's start (the
 * parent's build.completed journalled, its own delivery not yet forgotten), and right after a
 * mail was written. The last run ends the cascade with each image built once after the kill
 * that cut its build short, no record left unfinished, nothing left in the journal, no build
 * folder, store temporary file, lock or mount left, and one mail per recipient and subject.
 */
describe('ccp run killed with SIGKILL at any moment, then run again', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-crash-'));
  });
  afterAll(async () => {
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('loses nothing and builds nothing twice', async () => {
    const { indexDir } = await prepareSample(path.join(dir, 'sample'));
    const dataDir = path.join(dir, 'data');
    const mailDir = path.join(dir, 'mail');
    const kills = ['deliver:lint', 'build:step@5', 'delivered:build', 'delivered:notify'];
    const started: string[] = [];
    for (const killAt of kills) {
      const ran = await ccpRun(dataDir, indexDir, mailDir, killAt);
      expect([killAt, ran.signal]).toEqual([killAt, 'SIGKILL']);
      started.push(...buildsStarted(ran.stderr));
    }
    const last = await ccpRun(dataDir, indexDir, mailDir, null);
    started.push(...buildsStarted(last.stderr));
    // On a failure the end of the run's own account says which project did not make it.
    expect([last.code, last.stderr.match(/resuming the run/)?.[0], last.code === 0 ? '' : `${last.stderr.slice(-4000)}\n${last.stdout.slice(-4000)}`]).toEqual([
      0,
      'resuming the run',
      '',
    ]);

    // base's first build was cut at its buildah step; every other build ran once.
    expect(started.sort()).toEqual(['sample/base:latest', 'sample/base:latest', 'sample/hello:latest', 'sample/webapp:1.0']);
    const summary = JSON.parse(last.stdout) as { projects: { project: string; build: { status: string; digest?: string } }[] };
    expect(summary.projects.map((project) => [project.project, project.build.status])).toEqual([
      ['sample/base:latest', 'succeeded'],
      ['sample/hello:latest', 'succeeded'],
      ['sample/webapp:1.0', 'succeeded'],
    ]);

    const store = new FsObjectStore(path.join(dataDir, 'store'));
    const records = await Promise.all(
      (await store.list('state/builds/')).objects.map(async ({ key }) => JSON.parse((await store.get(key))!.body.toString('utf8')) as BuildRecord),
    );
    expect(records.map((record) => [record.name, record.status]).sort()).toEqual([
      ['sample/base:latest', 'succeeded'],
      ['sample/hello:latest', 'succeeded'],
      ['sample/webapp:1.0', 'succeeded'],
    ]);
    expect((await store.list(JOURNAL_PREFIX)).objects).toEqual([]);
    expect((await store.list('state/runs/')).objects).toEqual([]);

    // Nothing left behind: build folders, store temporary and lock files, the data dir lock, mounts.
    expect(await entries(path.join(dataDir, 'work', 'builds'))).toEqual([]);
    expect(await entries(path.join(dataDir, 'store', '.ccp-store', 'tmp'))).toEqual([]);
    expect(await entries(path.join(dataDir, 'store', '.ccp-store', 'locks'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'ccp.lock'))).toBe(false);
    expect(await mountsBelow(dataDir)).toEqual([]);

    // One mail per recipient and subject, and every recipient heard of its build.
    const mails = await Promise.all((await entries(mailDir)).map(async (name) => headersOf(await readFile(path.join(mailDir, name), 'utf8'))));
    const sent = mails.flatMap((mail) => mail.to.map((to) => `${to} | ${mail.subject}`));
    expect(sent.filter((line, index) => sent.indexOf(line) !== index)).toEqual([]);
    expect(new Set(mails.flatMap((mail) => mail.to))).toEqual(
      new Set(['base-owners@example.com', 'hello-team@example.com', 'web-team@example.com', 'ops@example.com']),
    );
  }, 600_000);
});

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** `To` (addresses) and `Subject` of an .eml file, unfolded. */
function headersOf(eml: string): { to: string[]; subject: string } {
  const head = eml.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string): string => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const to = [...header('To').matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)].map((match) => match[0]);
  return { to, subject: header('Subject') };
}

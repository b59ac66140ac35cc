import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HTTP, type CloudEvent } from 'cloudevents';
import { removeStorage } from '../../shared/builds/storage';
import type { BuildRecord } from '../../shared/builds/types';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { createLocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import type { ImageState } from '../../shared/reports/image-state';
import type { ScanReport } from '../../shared/reports/types';
import { freePort, startLocalRegistry, type LocalRegistry } from '../../shared/registry/local-registry';
import { listDeadLetters, type DeadLetterRecord } from '../../shared/runtime/dead-letter';
import { FsObjectStore } from '../../shared/store/fs-store';
import { buildRecordKey, buildRecordsPrefix, imageStateKey, reportKey } from '../../shared/store/keys';
import { indexEntry, prebuildLines, waitFor } from './__fixtures__/harness';

const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');
const CLI = path.join(REPO, 'cli', 'main.ts');
const KNOCK = { appId: 'door', jobId: 'knock', desiredTag: 'latest' };
const VICTIM = { appId: 'door', jobId: 'victim', desiredTag: 'latest' };

/**
 * A prebuild (network on, the default) shares the host's 127.0.0.1 with the embedded door. It
 * reads nothing secret; it posts a forged `build.requested` of another project to `POST /`,
 * without a token and with a guessed one, and prints what the door answered into the build log.
 */
function knockingPrebuild(door: string): string {
  const post = (id: string, auth: string): string =>
    `curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST ${door} -H 'Content-Type: application/json' -H 'Ce-Specversion: 1.0' -H 'Ce-Id: ${id}' -H 'Ce-Source: /prebuild' -H 'Ce-Type: ${EventTypes.buildRequested}'${auth} -d '{"project":{"appId":"door","jobId":"victim","desiredTag":"latest"},"cause":{"kind":"manual","message":"forged by a prebuild"}}'`;
  return `#!/bin/sh\necho "DOOR prebuild=$(${post('prebuild-1', '')})"\necho "DOOR prebuild-guessed=$(${post('prebuild-2', " -H 'Authorization: Bearer guessed-token-0123456789'")})"\n`;
}

/** The same from a Dockerfile `RUN` step, with the base image's busybox wget (its first line of output says what happened). */
function knockingDockerfile(door: string): string {
  const headers = ['Content-Type: application/json', 'Ce-Specversion: 1.0', 'Ce-Id: run-1', 'Ce-Source: /run', `Ce-Type: ${EventTypes.buildRequested}`]
    .map((header) => `--header '${header}'`)
    .join(' ');
  const body = '{"project":{"appId":"door","jobId":"victim","desiredTag":"latest"},"cause":{"kind":"manual","message":"forged by a RUN step"}}';
  return `FROM door/base:latest\nRUN echo "DOOR run=$(wget -q -O /dev/null ${headers} --post-data '${body}' ${door} 2>&1 | head -n 1)"\nCMD ["true"]\n`;
}

/**
 * What the door did to an attempt: `refused` (HTTP 401), or `unreachable` where the step's
 * network has no way to the host's 127.0.0.1 (an isolated prebuild network); anything else,
 * above all an accepted event, is returned as it was printed.
 */
function outcome(printed: string): string {
  if (/^401$|HTTP\/1\.1 401 /.test(printed)) return 'refused';
  if (/^000$|can't connect|Network is unreachable|Connection refused/.test(printed)) return 'unreachable';
  return printed;
}

/**
 * Red-team finding: untrusted code on the host (a prebuild script, a Dockerfile RUN step: both
 * share the host's network) reached the embedded runtime's CloudEvent door on 127.0.0.1 and
 * posted an unsigned `git.push` (202), which the dispatcher planned as a build: the webhook
 * signature bypassed. Any event could be forged the same way, including a `scan.requested` that
 * named another repository's image for a project and replaced that project's scan reports and
 * image state. A real `ccp serve`, real git, buildah and registry.
 */
describe('the embedded door (ccp serve) and its ingress token', () => {
  let dir: string;
  let data: string;
  let registry: LocalRegistry;
  let child: ChildProcess;
  let stderr = '';
  let url: string;
  let repoUrl: string;
  let commit: string;
  let store: FsObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-ingress-'));
    data = path.join(dir, 'data');
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'door/base:latest', registry: registry.address });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    commit = (
      await repo.commit({
        'knock/prebuild.sh': { content: knockingPrebuild(`${url}/`), executable: true },
        'knock/Dockerfile': knockingDockerfile(`${url}/`),
        'victim/Dockerfile': 'FROM door/base:latest\nCMD ["true"]\n',
      })
    ).trim();
    repoUrl = repo.url;
    const indexDir = path.join(dir, 'index');
    const project = (job: string, id: number, prebuild: boolean): string =>
      indexEntry({ id, appId: 'door', job, gitUrl: repo.url, extra: [...(prebuild ? prebuildLines(job) : []), '    depends-on: null'] });
    await mkdir(path.join(indexDir, 'index.d'), { recursive: true });
    await writeFile(path.join(indexDir, 'index.d', 'door.yaml'), `Projects:\n${project('knock', 1, true)}\n\n${project('victim', 2, false)}\n`);
    child = spawn(
      process.execPath,
      ['-r', REGISTER, CLI, '--data-dir', data, '--registry', registry.address, 'serve', '--port', String(port), '--index', indexDir],
      {
        cwd: REPO,
        env: {
          ...process.env,
          CCP_LINT_FAILURE_THRESHOLD: 'none',
          CCP_WEBHOOK_SECRET: 'hostile-webhook-secret-31c9',
          CCP_MAIL_TO_DIR: path.join(dir, 'mail'),
          CCP_INGRESS_TOKEN: '',
        },
      },
    );
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(async () => (stderr.includes('serving on') ? true : null), 90_000);
    store = new FsObjectStore(path.join(data, 'store'));
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('close', resolve)));
    }
    await registry?.stop();
    await removeStorage(path.join(data, 'buildah', 'storage'), path.join(data, 'buildah', 'run')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const token = async (): Promise<string> => (await readFile(path.join(data, 'ingress-token'), 'utf8')).trim();
  const send = async (event: CloudEvent<unknown>, authorization?: string): Promise<{ status: number; body: unknown }> => {
    const message = HTTP.binary(event);
    const response = await fetch(`${url}/`, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
      body: message.body as string,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  const records = async (project: typeof KNOCK): Promise<string[]> =>
    (await store.list(buildRecordsPrefix(project))).objects.map((object) => object.key).sort();
  const forgedPush = (id: string): CloudEvent<unknown> =>
    makeEvent(EventTypes.gitPush, { repoUrl, branch: 'main', commit, changedPaths: ['knock/Dockerfile', 'victim/Dockerfile'] }, { source: '/attacker', id });
  const buildRequest = (project: typeof KNOCK, id: string, buildId?: string): CloudEvent<unknown> =>
    makeEvent(
      EventTypes.buildRequested,
      { project, ...(buildId ? { buildId } : {}), cause: { kind: 'manual', message: 'requested by the test' } },
      { source: '/attacker', id },
    );

  it('names where the token is and never prints it; the token file is 0600', async () => {
    const { mode } = await stat(path.join(data, 'ingress-token'));
    expect([
      stderr.includes(`"Authorization: Bearer $(cat ${path.join(data, 'ingress-token')})"`),
      stderr.includes(await token()),
      (mode & 0o777).toString(8),
    ]).toEqual([true, false, '600']);
  });

  it.each([
    ['an unsigned git.push without a token', () => forgedPush('forged-push-1'), async () => undefined],
    ['an unsigned git.push with a wrong token', () => forgedPush('forged-push-2'), async () => 'Bearer wrong-token-0123456789abcdef'],
    ['an unsigned git.push with the token cut short', () => forgedPush('forged-push-3'), async () => `Bearer ${(await token()).slice(0, -1)}`],
    ['a build.requested with the token as Basic credentials', () => buildRequest(VICTIM, 'forged-build-1'), async () => `Basic ${await token()}`],
    ['a build.requested with an empty Bearer', () => buildRequest(VICTIM, 'forged-build-2'), async () => 'Bearer '],
  ])('refuses %s with 401 JSON', async (_name, event, authorization) => {
    expect(await send(event(), await authorization())).toEqual({
      status: 401,
      body: { error: 'an event needs the ingress Bearer token (CCP_INGRESS_TOKEN, or the data dir file ingress-token)' },
    });
  });

  it("takes a build.requested with the token; the build's prebuild, posting to the same door, is refused; nothing else is built", async () => {
    expect(await send(buildRequest(KNOCK, 'door-build-1', 'door-accepted'), `Bearer ${await token()}`)).toEqual({ status: 202, body: null });
    const record = await waitFor(async () => {
      const stored = await store.get(buildRecordKey(KNOCK, 'door-accepted'));
      const parsed = stored ? (JSON.parse(stored.body.toString('utf8')) as BuildRecord) : null;
      return parsed && ['succeeded', 'failed'].includes(parsed.status) ? parsed : null;
    }, 240_000);
    const log = (await store.get(reportKey(KNOCK, 'door-accepted', 'build.log')))!.body.toString('utf8');
    const attempts = Object.fromEntries([...log.matchAll(/^DOOR ([a-z-]+)=(.*)$/gm)].map((match) => [match[1], outcome(match[2]!)]));
    expect([record.status, attempts]).toEqual([
      'succeeded',
      {
        prebuild: expect.stringMatching(/^(refused|unreachable)$/),
        'prebuild-guessed': expect.stringMatching(/^(refused|unreachable)$/),
        run: expect.stringMatching(/^(refused|unreachable)$/),
      },
    ]);
    process.stderr.write(`ingress: build attempts on the door: ${JSON.stringify(attempts)}\n`);
    // Every forged event above, the prebuild's and the RUN step's, would have built door/victim (or knock again).
    const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect([await records(KNOCK), await records(VICTIM), catalog.repositories.sort()]).toEqual([
      [buildRecordKey(KNOCK, 'door-accepted')],
      [],
      ['door/base', 'door/knock'],
    ]);
  }, 300_000);

  it("refuses a scan.requested naming another repository's image for the project; its reports and image state stay the build's", async () => {
    // The build's own scan first: its reports are what the forged request would replace.
    const own = await waitFor(async () => ((await store.head(reportKey(KNOCK, 'door-accepted', 'scan.html'))) ? true : null), 180_000);
    const before = (await store.get(reportKey(KNOCK, 'door-accepted', 'scan.json')))!.body.toString('utf8');
    const forged = makeEvent(
      EventTypes.scanRequested,
      { project: KNOCK, image: { ref: `${registry.address}/door/base:latest` }, reason: 'build', buildId: 'door-accepted' },
      { source: '/attacker', id: 'forged-scan-1' },
    );
    expect(await send(forged, `Bearer ${await token()}`)).toEqual({ status: 202, body: null });
    const letter = await waitFor(
      async () => (await listDeadLetters(store)).find((record: DeadLetterRecord) => record.event.id === 'forged-scan-1') ?? null,
      60_000,
    );
    const state = JSON.parse((await store.get(imageStateKey(KNOCK)))!.body.toString('utf8')) as ImageState;
    const after = (await store.get(reportKey(KNOCK, 'door-accepted', 'scan.json')))!.body.toString('utf8');
    expect({
      own,
      function: letter.function,
      retryable: letter.retryable,
      errors: letter.error.errors,
      unchanged: after === before,
      scanned: (JSON.parse(after) as ScanReport).image.ref,
      state: state.image.ref,
    }).toEqual({
      own: true,
      function: 'scan',
      retryable: false,
      errors: [{ field: 'data.image.ref', message: "repository door/base is not door/knock, the project's" }],
      unchanged: true,
      scanned: `${registry.address}/door/knock:latest`,
      state: `${registry.address}/door/knock:latest`,
    });
  }, 240_000);
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudEvent } from 'cloudevents';
import { runProjects } from '../../cli/commands/run';
import express from 'express';
import { startEmbeddedRuntime, startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../functions/build/builders/local';
import type { BuildRecord } from '../../shared/builds/types';
import { loadConfig, type Config } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { listen } from '../../shared/host/listen';
import { silentLogger } from '../../shared/log/logger';

const exec = promisify(execFile);

/** The test repository: one folder per project. */
const FILES: Record<string, string> = {
  'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\nCMD ["/bin/sh"]\n',
  'child/Dockerfile': 'FROM tests/base:latest\nRUN cat /base.txt > /child.txt\n',
  'broken/Dockerfile': 'FROM test/busybox:latest\nRUN echo about to fail && exit 3\n',
  'orphan/Dockerfile': 'FROM tests/broken:latest\nRUN echo never\n',
  'blocked/Dockerfile': 'FROM test/busybox:latest\nEXPOSE 80000\n',
  'slow/Dockerfile': 'FROM test/busybox:latest\nRUN echo sleeping && sleep 2 && echo awake\n',
  'prebuild/Dockerfile': 'FROM test/busybox:latest\nCOPY made.txt /made.txt\n',
  'prebuild/make.sh': '#!/bin/sh\necho making\nexit 2\n',
  'scratch/Dockerfile': 'FROM scratch\nCOPY file.txt /file.txt\n',
  'scratch/file.txt': 'hello\n',
};

describe('builds on the embedded runtime (local backend, real registry, real git)', () => {
  let dir: string;
  let repo: LocalRepo;
  let commit: string;
  let served: ServedRuntime;
  let registry: string;
  /** The runtime's registry asks for a login: `user:password`. */
  let creds: string;
  let config: Config;
  const progress: string[] = [];
  const completed: BuildCompletedData[] = [];
  const pushed: string[] = [];

  function entry(jobId: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
    return {
      id: 1,
      appId: 'tests',
      jobId,
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: jobId,
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: ['tests@example.com'],
      buildContext: './',
      dependsOn: [],
      source: { file: 'index.d/tests.yaml', line: 2 },
      ...overrides,
    };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-build-e2e-'));
    repo = await createLocalRepo('main', path.join(dir, 'repo'));
    commit = await repo.commit(FILES, 'test projects');
    await exec('chmod', ['+x', path.join(dir, 'repo', 'prebuild', 'make.sh')]);
    commit = await repo.commit({ 'prebuild/make.sh': FILES['prebuild/make.sh']! }, 'executable');
    config = loadConfig({ dataDir: path.join(dir, 'data') }, {});
    served = await startServedRuntime(config, silentLogger, { port: 0 });
    registry = served.runtime.registry!.address;
    creds = `${served.runtime.registry!.login!.username}:${served.runtime.registry!.login!.password}`;
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'test/busybox:latest', registry: served.runtime.registry!.access });
    served.runtime.broker.on('delivered', ({ emitted }) => {
      for (const event of emitted) if (event.type === EventTypes.buildCompleted) completed.push(event.data as BuildCompletedData);
    });
    served.runtime.broker.on('event', ({ event }) => {
      if (event.type === EventTypes.imagePushed) pushed.push(`${event.subject}@${(event.data as { digest: string }).digest}`);
    });
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  async function run(all: ProjectEntry[], selected = all): Promise<Awaited<ReturnType<typeof runProjects>>['projects']> {
    return (await runProjects(served.runtime, all, selected, (line) => progress.push(line))).projects;
  }

  async function record(jobId: string, buildId: string): Promise<BuildRecord> {
    const stored = await served.runtime.context.store.get(`state/builds/tests/${jobId}/latest/${buildId}.json`);
    return JSON.parse(stored!.body.toString('utf8')) as BuildRecord;
  }

  async function tags(repository: string): Promise<string[]> {
    const response = await fetch(`http://${registry}/v2/${repository}/tags/list`, {
      headers: { authorization: `Basic ${Buffer.from(creds).toString('base64')}` },
    });
    if (response.status === 401) throw new Error(`the registry refused the test's login: ${response.status}`);
    return response.status === 200 ? (((await response.json()) as { tags: string[] | null }).tags ?? []) : [];
  }

  async function inspect(ref: string): Promise<{ Digest: string; Labels: Record<string, string> }> {
    const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${ref}`]);
    return JSON.parse(stdout) as { Digest: string; Labels: Record<string, string> };
  }

  it('builds a parent, then its child FROM it, each pushed with its digest and labels', async () => {
    const base = entry('base');
    const child = entry('child', { dependsOn: ['tests/base:latest'] });
    const [built, childBuilt] = await run([child, base]);
    expect([built!.project, built!.build.status, childBuilt!.project, childBuilt!.build.status]).toEqual([
      'tests/child:latest',
      'succeeded',
      'tests/base:latest',
      'succeeded',
    ]);
    const parentRecord = await record('base', childBuilt!.buildId!);
    const childRecord = await record('child', built!.buildId!);
    expect(Date.parse(childRecord.timings.startedAt!)).toBeGreaterThanOrEqual(Date.parse(parentRecord.timings.finishedAt!));
    const image = await inspect(`${registry}/tests/child:latest`);
    expect(image.Digest).toEqual(built!.build.digest);
    expect(image.Labels).toMatchObject({
      'org.opencontainers.image.source': repo.url,
      'org.opencontainers.image.revision': commit,
      'org.centos.ccp.build-id': built!.buildId,
      'org.centos.ccp.index-entry': 'index.d/tests.yaml:2 tests/child:latest',
      'org.centos.ccp.cause': 'First build of the container image',
    });
    // The registry's push notification came back through the runtime's door as image.pushed.
    for (let tries = 0; tries < 50 && !pushed.includes(`tests/child:latest@${image.Digest}`); tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pushed).toContain(`tests/child:latest@${image.Digest}`);
    expect(childRecord).toMatchObject({
      status: 'succeeded',
      image: { ref: `${registry}/tests/child:latest`, digest: image.Digest },
      timings: { steps: { checkout: expect.any(Number), build: expect.any(Number), push: expect.any(Number) } },
    });
  }, 120_000);

  it('leaves the child of a failed parent unbuilt, saying which parent failed', async () => {
    const broken = entry('broken');
    const orphan = entry('orphan', { dependsOn: ['tests/broken:latest'] });
    const [parent, child] = await run([broken, orphan]);
    expect(parent!.build).toMatchObject({ status: 'failed', reason: 'RUN echo about to fail && exit 3 exited with 3 at line 2' });
    expect(child).toEqual({
      project: 'tests/orphan:latest',
      buildId: null,
      cause: null,
      lint: { verdict: 'not-run' },
      build: { status: 'skipped', reason: 'skipped: parent tests/broken:latest failed' },
      scan: { status: 'not-run' },
    });
    expect(await tags('tests/broken')).toEqual([]);
    expect(await tags('tests/orphan')).toEqual([]);
  }, 120_000);

  it('does not build a project whose lint blocks, and says why in build.completed and the log', async () => {
    const [blocked] = await run([entry('blocked')]);
    expect(blocked!.lint.verdict).toEqual('failed');
    expect(blocked!.build).toMatchObject({ status: 'failed', reason: 'blocked by lint: 1 error (threshold error)' });
    expect(progress.some((line) => line.startsWith('      tests/blocked:latest started'))).toBe(false);
    expect(await exec('cat', [blocked!.build.log!]).then(({ stdout }) => stdout)).toContain('not built: blocked by lint: 1 error (threshold error)');
    expect(await tags('tests/blocked')).toEqual([]);
  }, 60_000);

  it('builds a redelivered lint.completed once', async () => {
    const base = entry('base');
    const lint: LintCompletedData = {
      buildId: 'redelivered-1',
      project: base,
      entry: base,
      commit,
      verdict: 'passed',
      blocking: false,
      failureThreshold: 'error',
      counts: { error: 0, warning: 0, info: 0, style: 0 },
      reports: { json: 'reports/tests/base/latest/redelivered-1/lint.json', sarif: 'reports/tests/base/latest/redelivered-1/lint.sarif' },
      cause: { kind: 'manual', message: 'redelivery test' },
      causeChain: [{ kind: 'manual', message: 'redelivery test' }],
    };
    const event = (id: string): CloudEvent<unknown> => makeEvent(EventTypes.lintCompleted, lint, { source: '/ccp/lint', id });
    const started: string[] = [];
    const stopProgress = served.runtime.builds.onProgress((item) => item.kind === 'started' && started.push(item.buildId));
    // The broker delivers at least once, as Knative's: the redelivery reaches the build function, which builds once.
    await served.runtime.broker.publish(event('redelivered-1/lint'));
    await served.runtime.broker.publish(event('redelivered-1/lint'));
    await served.runtime.broker.idle();
    const first = await record('base', 'redelivered-1');
    await served.runtime.broker.publish(event('sent-again-by-hand'));
    await served.runtime.broker.idle();
    stopProgress();
    expect(started).toEqual(['redelivered-1']);
    expect(await record('base', 'redelivered-1')).toEqual(first);
    // The completion answered from the record has the same id as the first (`<build-id>/build`), so its receivers can tell.
    expect(completed.filter((data) => data.buildId === 'redelivered-1').map((data) => data.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  }, 60_000);

  it('lets a person follow the build log over HTTP while the build runs', async () => {
    const slow = entry('slow');
    const buildId = 'slow-1';
    await served.runtime.broker.publish(
      makeEvent(EventTypes.buildRequested, { project: slow, entry: slow, buildId, cause: { kind: 'manual', message: 'follow the log' } }, { source: '/test' }),
    );
    const url = `${served.server.url}/reports/tests/slow/latest/${buildId}/build.log`;
    let seenWhileRunning = '';
    for (let tries = 0; tries < 200 && !seenWhileRunning; tries++) {
      const response = await fetch(url);
      const text = response.status === 200 ? await response.text() : '';
      if (text.includes('sleeping') && (await record('slow', buildId)).status === 'running') seenWhileRunning = text;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seenWhileRunning).toContain('==> build: buildah bud');
    expect(seenWhileRunning).not.toContain('ccp: build succeeded');
    await served.runtime.broker.idle();
    const final = await (await fetch(url)).text();
    expect(final).toContain('awake');
    expect(final).toContain('ccp: build succeeded');
  }, 60_000);

  it.each([
    [
      'a failing prebuild script',
      () => entry('prebuild', { prebuildScript: './make.sh', prebuildContext: 'prebuild' }),
      /^prebuild script \.\/make\.sh exited with 2$/,
      'making',
    ],
    [
      'a missing Dockerfile',
      () => entry('scratch', { jobId: 'nodockerfile', targetFile: 'Containerfile', gitPath: 'scratch' }),
      /^blocked by lint: scratch\/Containerfile does not exist at commit/,
      'not built',
    ],
    ['an unreachable git URL', () => entry('unreachable', { gitUrl: `file://${dir}/no-such-repo.git` }), /^blocked by lint: .*no-such-repo/, 'not built'],
    [
      'a wrong branch',
      () => entry('scratch', { jobId: 'wrongbranch', gitBranch: 'no-such-branch', gitPath: 'scratch' }),
      /^blocked by lint: .*no-such-branch/,
      'not built',
    ],
  ])(
    'answers %s with build.completed failed, the reason and the log',
    async (_name, makeEntry, reason, inLog) => {
      const project = makeEntry();
      const [result] = await run([project]);
      expect(result!.build.status).toEqual('failed');
      expect(result!.build.reason).toMatch(reason);
      const log = (await exec('cat', [result!.build.log!])).stdout;
      expect(log).toContain(inLog);
      expect(log).toContain(result!.build.reason!.replace(/^blocked by lint: /, ''));
      expect(await tags(`tests/${project.jobId}`)).toEqual([]);
    },
    60_000,
  );

  it('answers a build whose checkout fails (the repository went away after lint) with the reason', async () => {
    const gone = entry('gone', { gitUrl: `file://${dir}/gone.git` });
    const data = { ...lintOf(gone, 'gone-1', commit) };
    await served.runtime.broker.publish(makeEvent(EventTypes.lintCompleted, data, { source: '/ccp/lint', id: 'gone-1/lint' }));
    await served.runtime.broker.idle();
    const result = completed.find((item) => item.buildId === 'gone-1')!;
    expect(result.status).toEqual('failed');
    expect(result.reason).toMatch(/^git .* of file:\/\/.*gone\.git at [0-9a-f]{40} failed/);
  }, 60_000);

  it('keeps serving other builds after all those failures', async () => {
    const [again] = await run([entry('scratch')]);
    expect(again!.build.status).toEqual('succeeded');
    expect(await tags('tests/scratch')).toEqual(['latest']);
  }, 60_000);
});

function lintOf(project: ProjectEntry, buildId: string, commit: string): LintCompletedData {
  return {
    buildId,
    project,
    entry: project,
    commit,
    verdict: 'passed',
    blocking: false,
    failureThreshold: 'error',
    counts: { error: 0, warning: 0, info: 0, style: 0 },
    reports: {
      json: `reports/${imageName(project).replace(':', '/')}/${buildId}/lint.json`,
      sarif: `reports/${imageName(project).replace(':', '/')}/${buildId}/lint.sarif`,
    },
    cause: { kind: 'manual', message: 'test' },
    causeChain: [{ kind: 'manual', message: 'test' }],
  };
}

describe('a registry that refuses the push', () => {
  it('gives build.completed failed with the reason, pushes no manifest, and keeps secrets out of the log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-build-refused-'));
    const requests: string[] = [];
    const app = express();
    app.use((request, response) => {
      requests.push(`${request.method} ${request.path}`);
      if (request.method === 'GET' && request.path === '/v2/') return void response.status(200).json({});
      response.status(403).json({ errors: [{ code: 'DENIED', message: 'push refused by policy' }] });
    });
    const refusing = await listen(app, { port: 0, host: '127.0.0.1' });
    const secret = 'smtp-pa55word-never-logged';
    const config = loadConfig({ dataDir: path.join(dir, 'data'), registry: `127.0.0.1:${refusing.port}` }, { CCP_SMTP_PASSWORD: secret });
    const runtime = await startEmbeddedRuntime(config, silentLogger);
    try {
      const repo = await createLocalRepo('main', path.join(dir, 'repo'));
      await repo.commit({ Dockerfile: 'FROM scratch\nCOPY file.txt /file.txt\n', 'file.txt': 'hello\n' }, 'scratch');
      const project: ProjectEntry = {
        id: 1,
        appId: 'tests',
        jobId: 'refused',
        gitUrl: repo.url,
        gitBranch: 'main',
        gitPath: '.',
        targetFile: 'Dockerfile',
        desiredTag: 'latest',
        notifyEmail: [],
        buildContext: './',
        dependsOn: [],
        source: { file: 'index.d/tests.yaml', line: 2 },
      };
      const completions: BuildCompletedData[] = [];
      runtime.broker.on('delivered', ({ emitted }) => {
        for (const event of emitted) if (event.type === EventTypes.buildCompleted) completions.push(event.data as BuildCompletedData);
      });
      const cause = { kind: 'manual' as const, message: `requested with the password ${secret} pasted by mistake` };
      await runtime.broker.publish(makeEvent(EventTypes.buildRequested, { project, entry: project, buildId: 'refused-1', cause }, { source: '/test' }));
      await runtime.broker.idle();
      expect(completions.map((data) => [data.status, data.reason])).toEqual([
        ['failed', expect.stringMatching(/^push of 127\.0\.0\.1:\d+\/tests\/refused:latest refused: /)],
      ]);
      expect(requests.filter((line) => line.startsWith('PUT') && line.includes('/manifests/'))).toEqual([]);
      const log = (await runtime.context.store.get(completions[0]!.reports.log))!.body.toString('utf8');
      expect(log).toContain('==> push: docker://');
      expect(log).toContain('requested with the password *** pasted by mistake');
      expect(log).not.toContain(secret);
    } finally {
      await runtime.close();
      await refusing.close();
      await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

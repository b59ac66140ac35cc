import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { loadConfig } from '../../shared/config/config';
import { CloudEvent as Event } from 'cloudevents';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { validateEvent } from '../../shared/events/validate';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { configuredSecrets } from '../../shared/redact/secrets';
import { type BuildRecord } from '../../shared/builds/types';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { createFunctionContext } from '../../shared/function/context';
import { TestBuilder } from './__fixtures__/test-builder';
import { TestJobBuilder, type TestJob } from './__fixtures__/test-job-builder';
import { handle } from './handle';
import { projectOfCompletion } from './job-completion';
import { BuildService, type BuildProgress, type BuildServiceOptions } from './service';
import { registryAccess, type BuildContext } from './service-for';

const COMMIT = 'c0ffee'.padEnd(40, '0');
const REGISTRY = { address: '127.0.0.1:5000', tlsVerify: false };

function entry(jobId: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId: 'team',
    jobId,
    gitUrl: 'file:///srv/git/team.git',
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.com'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'index.d/team.yaml', line: 4 },
    ...overrides,
  };
}

function lintCompleted(buildId: string, project: ProjectEntry, overrides: Partial<LintCompletedData> = {}, id = `${buildId}/lint`): CloudEvent<unknown> {
  const data: LintCompletedData = {
    buildId,
    project: { appId: project.appId, jobId: project.jobId, desiredTag: project.desiredTag },
    entry: project,
    commit: COMMIT,
    verdict: 'passed',
    blocking: false,
    failureThreshold: 'error',
    counts: { error: 0, warning: 1, info: 0, style: 0 },
    reports: {
      json: `reports/${project.appId}/${project.jobId}/${project.desiredTag}/${buildId}/lint.json`,
      sarif: `reports/${project.appId}/${project.jobId}/${project.desiredTag}/${buildId}/lint.sarif`,
    },
    cause: { kind: 'git-push', message: 'Git commit c0ffee to branch main', commit: COMMIT },
    causeChain: [
      { kind: 'manual', message: 'first' },
      { kind: 'git-push', message: 'Git commit c0ffee to branch main', commit: COMMIT },
    ],
    ...overrides,
  };
  return makeEvent(EventTypes.lintCompleted, data, { source: '/ccp/lint', id });
}

describe('build handle', () => {
  let store: TempObjectStore;
  let context: BuildContext;
  let builder: TestBuilder;
  let service: BuildService;
  let progress: BuildProgress[];

  async function setUp(decide?: ConstructorParameters<typeof TestBuilder>[0], options: Partial<BuildServiceOptions> = {}): Promise<void> {
    store = new TempObjectStore();
    const config = loadConfig({ dataDir: store.inner.root }, {});
    builder = new TestBuilder(decide);
    service = new BuildService({
      store,
      log: silentLogger,
      builder,
      registry: REGISTRY,
      concurrency: 2,
      secrets: ['hunter2-registry-pw'],
      logIntervalMs: 10,
      ...options,
    });
    // The build function's services, with a backend that builds nothing.
    context = { ...(await createFunctionContext(config, silentLogger, { store })), builds: service };
    progress = [];
    service.onProgress((item) => progress.push(item));
  }
  afterEach(() => rm(store.inner.root, { recursive: true, force: true }));

  async function record(jobId: string, buildId: string): Promise<BuildRecord> {
    return JSON.parse((await store.get(`state/builds/team/${jobId}/latest/${buildId}.json`))!.body.toString('utf8')) as BuildRecord;
  }
  const text = async (key: string): Promise<string> => (await store.get(key))!.body.toString('utf8');

  it('builds a project whose lint does not block and answers build.completed with image, digest and log', async () => {
    await setUp();
    const emitted = await handle(lintCompleted('b1', entry('web')), context);
    expect(emitted.map((event) => [event.type, event.id, event.source, event.subject])).toEqual([
      [EventTypes.buildCompleted, 'b1/build', '/ccp/build', 'team/web:latest'],
    ]);
    expect(() => validateEvent(emitted[0]!)).not.toThrow();
    const data = emitted[0]!.data as BuildCompletedData;
    expect(data).toMatchObject({
      buildId: 'b1',
      status: 'succeeded',
      commit: COMMIT,
      image: { ref: '127.0.0.1:5000/team/web:latest', digest: `sha256:${'0'.repeat(64)}` },
      reports: { log: 'reports/team/web/latest/b1/build.log', lint: 'reports/team/web/latest/b1/lint.json' },
    });
    expect(await record('web', 'b1')).toMatchObject({
      status: 'succeeded',
      backend: 'local',
      image: data.image,
      links: { log: data.reports.log, lint: { json: data.reports.lint } },
      timings: { steps: { checkout: 1, build: 2, push: 3 } },
    });
    const log = await text(data.reports.log);
    expect(log).toMatch(/^ccp build b1 of team\/web:latest\n/);
    expect(log).toContain('==> build: buildah bud -t 127.0.0.1:5000/team/web:latest');
    expect(log).toContain(`ccp: build succeeded: 127.0.0.1:5000/team/web:latest@sha256:`);
    expect(progress.map((item) => item.kind)).toEqual(['queued', 'started', 'step', 'step', 'step', 'step', 'finished']);
  });

  it('labels the image with where it came from and maps index parents to the registry', async () => {
    await setUp();
    await handle(lintCompleted('b1', entry('web', { dependsOn: ['team/base:latest', 'library/centos:7', 'quay.io/x/y:1'] })), context);
    const [spec] = builder.specs;
    expect(spec!.labels).toEqual({
      'org.opencontainers.image.source': 'file:///srv/git/team.git',
      'org.opencontainers.image.revision': COMMIT,
      'org.opencontainers.image.created': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'org.opencontainers.image.title': 'team/web:latest',
      'org.centos.ccp.build-id': 'b1',
      'org.centos.ccp.index-entry': 'index.d/team.yaml:4 team/web:latest',
      'org.centos.ccp.cause': 'Git commit c0ffee to branch main',
      'org.centos.ccp.cause-chain': JSON.stringify([{ kind: 'manual' }, { kind: 'git-push', commit: COMMIT.slice(0, 12) }]),
    });
    expect(spec!.parentImages).toEqual({ 'team/base:latest': '127.0.0.1:5000/team/base:latest', 'library/centos:7': '127.0.0.1:5000/centos:7' });
  });

  it('names a library image without a namespace', async () => {
    await setUp();
    const [event] = await handle(lintCompleted('b1', entry('tools', { appId: 'library' })), context);
    expect((event!.data as BuildCompletedData).image!.ref).toEqual('127.0.0.1:5000/tools:latest');
  });

  it.each([
    [
      'errors at the default threshold',
      { verdict: 'failed' as const, counts: { error: 2, warning: 5, info: 0, style: 0 } },
      'blocked by lint: 2 errors (threshold error)',
    ],
    [
      'findings at a lower threshold',
      { verdict: 'failed' as const, failureThreshold: 'warning', counts: { error: 0, warning: 3, info: 1, style: 0 } },
      'blocked by lint: 3 findings at warning or above (threshold warning)',
    ],
    [
      'a lint that could not run',
      { verdict: 'error' as const, reason: 'Dockerfile does not exist at commit c0ffee' },
      'blocked by lint: Dockerfile does not exist at commit c0ffee',
    ],
  ])('does not build when the lint blocks: %s', async (_name, lint, reason) => {
    await setUp();
    const [event] = await handle(lintCompleted('b1', entry('web'), { blocking: true, ...lint }), context);
    expect(builder.started).toEqual([]);
    expect(event!.data).toMatchObject({ status: 'failed', reason, reports: { log: 'reports/team/web/latest/b1/build.log' } });
    expect(await text('reports/team/web/latest/b1/build.log')).toContain(`not built: ${reason}`);
    expect(await record('web', 'b1')).toMatchObject({ status: 'failed', reason });
  });

  it("carries the lint's baseImages on the record and build.completed, also when the lint blocks", async () => {
    await setUp();
    const [built] = await handle(lintCompleted('b1', entry('web'), { baseImages: ['team/base:latest'] }), context);
    const [blocked] = await handle(
      lintCompleted('b2', entry('api'), { blocking: true, verdict: 'failed', baseImages: ['team/base:latest', 'team/tools:1'] }),
      context,
    );
    const [unknown] = await handle(lintCompleted('b3', entry('old')), context);
    expect(() => validateEvent(built!)).not.toThrow();
    expect((built!.data as BuildCompletedData).baseImages).toEqual(['team/base:latest']);
    expect((await record('web', 'b1')).baseImages).toEqual(['team/base:latest']);
    expect(blocked!.data).toMatchObject({ status: 'failed', baseImages: ['team/base:latest', 'team/tools:1'] });
    expect(unknown!.data as BuildCompletedData).not.toHaveProperty('baseImages');
  });

  it.each([
    ['a parent pulled at its digest', [{ ref: '127.0.0.1:5000/team/base:latest', digest: `sha256:${'1'.repeat(64)}` }]],
    ['no parent (FROM scratch)', []],
  ])('keeps the base image digests the backend pulled on the record, for the parent check of the scan: %s', async (_name, baseImageDigests) => {
    await setUp(() => ({ baseImageDigests }));
    await handle(lintCompleted('b1', entry('web'), { baseImages: ['team/base:latest'] }), context);
    expect((await record('web', 'b1')).baseImageDigests).toEqual(baseImageDigests.length > 0 ? baseImageDigests : undefined);
  });

  it('builds a lint.completed delivered twice once, and answers the second from the record', async () => {
    await setUp();
    const first = await handle(lintCompleted('b1', entry('web')), context);
    const again = await handle(lintCompleted('b1', entry('web'), {}, 'redelivered-id'), context);
    expect(builder.started).toEqual(['b1']);
    expect(again.map((event) => [event.id, event.data])).toEqual(first.map((event) => [event.id, event.data]));
  });

  it('joins a redelivery that arrives while the build runs', async () => {
    await setUp();
    builder.hold('web');
    const first = handle(lintCompleted('b1', entry('web')), context);
    await waitUntil(() => builder.started.length === 1);
    const again = handle(lintCompleted('b1', entry('web')), context);
    builder.release('web');
    const [a, b] = await Promise.all([first, again]);
    expect(builder.started).toEqual(['b1']);
    expect(b!.map((event) => event.id)).toEqual(a!.map((event) => event.id));
  });

  it('replaces a queued build of the same image with a newer one and records by which', async () => {
    await setUp();
    builder.hold('web');
    const running = handle(lintCompleted('b1', entry('web')), context);
    await waitUntil(() => builder.started.length === 1);
    const queued = handle(lintCompleted('b2', entry('web')), context);
    await waitUntil(async () => (await store.head('state/builds/team/web/latest/b2.json')) !== null);
    const newer = handle(lintCompleted('b3', entry('web')), context);
    expect(await queued).toEqual([]);
    builder.release('web');
    await running;
    builder.release('web');
    expect((await newer).map((event) => event.id)).toEqual(['b3/build']);
    expect(builder.started).toEqual(['b1', 'b3']);
    expect(await record('web', 'b2')).toMatchObject({ status: 'superseded', supersededBy: 'b3', reason: expect.stringMatching(/superseded by build b3/) });
    expect(await record('web', 'b3')).toMatchObject({ status: 'succeeded', supersedes: ['b2'] });
  });

  it('names on its build.completed the replaced builds of cascades, also those they had replaced', async () => {
    await setUp();
    builder.hold('web');
    const running = handle(lintCompleted('b1', entry('web')), context);
    await waitUntil(() => builder.started.length === 1);
    const inCascade = (buildId: string, cascade: string) =>
      lintCompleted(buildId, entry('web'), { cause: { kind: 'parent-rebuilt', message: 'parent rebuilt', cascade } });
    const first = handle(inCascade('b2', 'cascade-a'), context);
    await waitUntil(async () => (await store.head('state/builds/team/web/latest/b2.json')) !== null);
    const second = handle(inCascade('b3', 'cascade-b'), context);
    await waitUntil(async () => (await record('web', 'b2'))?.status === 'superseded');
    await waitUntil(async () => (await store.head('state/builds/team/web/latest/b3.json')) !== null);
    const newest = handle(lintCompleted('b4', entry('web')), context);
    expect([await first, await second]).toEqual([[], []]);
    builder.release('web');
    await running;
    builder.release('web');
    const [completed] = await newest;
    const data = completed!.data as BuildCompletedData;
    expect(() => validateEvent(completed!)).not.toThrow();
    expect([data.buildId, data.replaces]).toEqual([
      'b4',
      [
        { buildId: 'b2', cascade: 'cascade-a' },
        { buildId: 'b3', cascade: 'cascade-b' },
      ],
    ]);
    expect(builder.started).toEqual(['b1', 'b4']);
  });

  it.each([
    ['a failing build', () => ({ status: 'failed' as const, reason: 'RUN exited with 1 at line 4' }), 'RUN exited with 1 at line 4'],
    ['a backend that cannot work', () => new Error('buildah: command not found'), 'build backend local failed: buildah: command not found'],
  ])('answers build.completed failed with the reason and the log for %s', async (_name, decide, reason) => {
    await setUp(decide);
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    expect(event!.data).toMatchObject({ status: 'failed', reason });
    expect(await text('reports/team/web/latest/b1/build.log')).toContain(`ccp: build failed: ${reason}`);
    expect(await record('web', 'b1')).toMatchObject({ status: 'failed', reason });
  });

  it('signs the pushed digest after the push and logs where the signature went', async () => {
    const signed: string[] = [];
    await setUp(undefined, { sign: (imageRef, digest) => (signed.push(`${imageRef}@${digest}`), Promise.resolve(`signed ${imageRef}@${digest}`)) });
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(signed).toEqual([`127.0.0.1:5000/team/web:latest@${digest}`]);
    expect(event!.data).toMatchObject({ status: 'succeeded', image: { digest } });
    expect(await text('reports/team/web/latest/b1/build.log')).toContain(`==> signed 127.0.0.1:5000/team/web:latest@${digest}\n`);
  });

  it('fails build.completed, saying why, when the pushed image cannot be signed', async () => {
    await setUp(undefined, { sign: () => Promise.reject(new Error('gpg could not import the key /etc/ccp/signing/secret.asc: no valid OpenPGP data found')) });
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    const reason = `pushed 127.0.0.1:5000/team/web:latest@sha256:${'0'.repeat(64)} but could not sign it: gpg could not import the key /etc/ccp/signing/secret.asc: no valid OpenPGP data found`;
    expect(event!.data).toMatchObject({ status: 'failed', reason });
    expect(await record('web', 'b1')).toMatchObject({ status: 'failed', reason });
  });

  it('signs nothing of a failed build', async () => {
    const signed: string[] = [];
    await setUp(() => ({ status: 'failed', reason: 'push refused' }), { sign: (imageRef) => (signed.push(imageRef), Promise.resolve('signed')) });
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    expect(event!.data).toMatchObject({ status: 'failed', reason: 'push refused' });
    expect(signed).toEqual([]);
  });

  it('fails clearly without a registry', async () => {
    await setUp(undefined, { registry: null });
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    expect(builder.started).toEqual([]);
    expect(event!.data).toMatchObject({ status: 'failed', reason: 'no registry configured (--registry or CCP_REGISTRY)', image: { ref: 'team/web:latest' } });
  });

  it('never stores a configured secret in the log', async () => {
    await setUp(() => ({ status: 'failed', reason: 'push refused' }));
    const leaky = builder.start.bind(builder);
    builder.start = (spec, log, signal) => {
      log.write('auth: hunter2-registry-pw\n');
      return leaky(spec, log, signal);
    };
    await handle(lintCompleted('b1', entry('web')), context);
    const log = await text('reports/team/web/latest/b1/build.log');
    expect(log).toContain('auth: ***');
    expect(log).not.toContain('hunter2');
  });

  it('lets a person read the log while the build runs', async () => {
    await setUp();
    builder.hold('web');
    const running = handle(lintCompleted('b1', entry('web')), context);
    await waitUntil(async () => ((await store.get('reports/team/web/latest/b1/build.log'))?.body.toString() ?? '').includes('==> build:'));
    expect(await record('web', 'b1')).toMatchObject({ status: 'running', timings: { startedAt: expect.any(String) } });
    builder.release('web');
    await running;
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}

describe('the configured registry password in build logs', () => {
  let store: TempObjectStore;
  beforeEach(() => void (store = new TempObjectStore()));
  afterEach(() => rm(store.inner.root, { recursive: true, force: true }));

  it.each([
    [
      'CCP_REGISTRY_PASSWORD',
      (): { options: { config?: string }; env: NodeJS.ProcessEnv } => ({
        options: {},
        env: { CCP_REGISTRY_USERNAME: 'pusher', CCP_REGISTRY_PASSWORD: 'registry-pw-from-env' },
      }),
    ],
    [
      'registryAuth.password of the config file',
      (): { options: { config?: string }; env: NodeJS.ProcessEnv } => {
        const file = path.join(store.inner.root, 'ccp.yaml');
        writeFileSync(file, 'registryAuth:\n  username: pusher\n  password: registry-pw-from-file\n');
        return { options: { config: file }, env: {} };
      },
    ],
  ])('from %s is redacted from the stored build log even when the backend prints it', async (_name, source) => {
    const { options, env } = source();
    const config = loadConfig({ ...options, dataDir: store.inner.root, registry: 'registry.example.org:5000' }, env);
    const registry = registryAccess(config);
    const password = config.registryAuth!.password;
    const builder = new TestBuilder();
    const leaky = builder.start.bind(builder);
    builder.start = (spec, log, signal) => {
      log.write(`login ${spec.registry.username} with ${spec.registry.password}\n`);
      return leaky(spec, log, signal);
    };
    // What buildServices makes for this configuration, with a backend that builds nothing.
    const builds = new BuildService({ store, log: silentLogger, builder, registry, concurrency: 1, secrets: configuredSecrets(config), logIntervalMs: 10 });
    const context: BuildContext = { ...(await createFunctionContext(config, silentLogger, { store })), builds };
    const [event] = await handle(lintCompleted('b1', entry('web')), context);
    expect(event!.data).toMatchObject({ status: 'succeeded' });
    expect(builder.specs[0]!.registry).toEqual({ address: 'registry.example.org:5000', tlsVerify: true, username: 'pusher', password });
    const log = (await store.get('reports/team/web/latest/b1/build.log'))!.body.toString('utf8');
    expect(log).toContain('login pusher with ***');
    expect(log).not.toContain(password);
  });
});

describe('build handle with a backend that submits Jobs', () => {
  let store: TempObjectStore;
  let context: BuildContext;
  let builder: TestJobBuilder;

  beforeEach(async () => {
    store = new TempObjectStore();
    const config = loadConfig({ dataDir: store.inner.root }, {});
    builder = new TestJobBuilder(REGISTRY.address);
    const builds = new BuildService({
      store,
      log: silentLogger,
      builder,
      registry: REGISTRY,
      concurrency: 2,
      secrets: ['pod-secret-value'],
      logIntervalMs: 10,
    });
    context = { ...(await createFunctionContext(config, silentLogger, { store })), builds };
  });
  afterEach(() => rm(store.inner.root, { recursive: true, force: true }));

  function jobEvent(buildId: string, status: TestJob['status'], id = `${buildId}-${JSON.stringify(status)}`): CloudEvent<unknown> {
    const job: TestJob = {
      metadata: { name: `ccp-build-${buildId}`, namespace: 'ccp', labels: { 'ccp.centos.org/build-id': buildId, 'ccp.centos.org/image': 'team.web.latest' } },
      status,
    };
    return new Event({
      id,
      source: 'https://10.96.0.1:443',
      type: ForeignEventTypes.apiServerUpdate,
      subject: `/apis/batch/v1/namespaces/ccp/jobs/ccp-build-${buildId}`,
      kind: 'Job',
      name: job.metadata.name,
      namespace: 'ccp',
      datacontenttype: 'application/json',
      data: job,
    });
  }
  const recordOf = async (buildId: string): Promise<BuildRecord> =>
    JSON.parse((await store.get(`state/builds/team/web/latest/${buildId}.json`))!.body.toString('utf8')) as BuildRecord;

  it('ends the function with no event once the Job is submitted, and records the Job', async () => {
    expect(await handle(lintCompleted('k1', entry('web')), context)).toEqual([]);
    expect(await recordOf('k1')).toMatchObject({ status: 'running', backend: 'kubernetes', job: { namespace: 'ccp', name: 'ccp-build-k1' } });
    expect((await store.get('reports/team/web/latest/k1/build.log'))!.body.toString()).toContain('submitted as Job ccp/ccp-build-k1');
  });

  it('answers nothing while the Job runs, then build.completed with the pod log once it ended, once', async () => {
    await handle(lintCompleted('k1', entry('web')), context);
    builder.podLogs.set('k1', 'STEP 1/2: FROM base\ntoken pod-secret-value\nCOMMIT\n');
    expect(await handle(jobEvent('k1', { active: 1 }), context)).toEqual([]);
    const [done] = await handle(jobEvent('k1', { succeeded: 1 }), context);
    expect([done!.type, done!.id]).toEqual([EventTypes.buildCompleted, 'k1/build']);
    expect(done!.data).toMatchObject({ status: 'succeeded', image: { ref: '127.0.0.1:5000/team/web:latest', digest: `sha256:${'1'.repeat(64)}` } });
    const log = (await store.get('reports/team/web/latest/k1/build.log'))!.body.toString();
    expect(log).toContain('token ***');
    expect(log).not.toContain('pod-secret-value');
    expect(await recordOf('k1')).toMatchObject({ status: 'succeeded', job: { name: 'ccp-build-k1' }, timings: { steps: { build: 10 } } });
    const again = await handle(jobEvent('k1', { succeeded: 1 }, 'a-later-update'), context);
    expect(again.map((event) => [event.id, event.data])).toEqual([[done!.id, done!.data]]);
  });

  it('answers a failed Job with build.completed failed and its reason', async () => {
    await handle(lintCompleted('k2', entry('web')), context);
    const [done] = await handle(jobEvent('k2', { failed: 1 }), context);
    expect(done!.data).toMatchObject({ status: 'failed', reason: 'RUN exited with 1 at line 2' });
  });

  it('ignores the Job of a build it has no record of', async () => {
    expect(await handle(jobEvent('unknown', { succeeded: 1 }), context)).toEqual([]);
  });

  it('ignores Job events when the backend builds locally', async () => {
    const local = {
      ...context,
      builds: new BuildService({ store, log: silentLogger, builder: new TestBuilder(), registry: REGISTRY, concurrency: 1, secrets: [] }),
    };
    expect(await handle(jobEvent('k1', { succeeded: 1 }), local)).toEqual([]);
  });
});

describe('projectOfCompletion', () => {
  const completion = (imageRef: string): Parameters<typeof projectOfCompletion>[0] => ({
    buildId: 'b',
    outcome: { status: 'succeeded', imageRef, steps: {} },
    log: '',
    namespace: 'ccp',
    jobName: 'j',
  });
  it.each([
    ['an app image', '127.0.0.1:5000/team/web:latest', { appId: 'team', jobId: 'web', desiredTag: 'latest' }],
    ['a nested job id', '127.0.0.1:5000/team/tools/web:1.0', { appId: 'team', jobId: 'tools/web', desiredTag: '1.0' }],
    ['a library image', '127.0.0.1:5000/centos:7', { appId: 'library', jobId: 'centos', desiredTag: '7' }],
    ['another registry', 'quay.io/team/web:latest', null],
  ])('reads %s back from its reference', (_name, ref, expected) => {
    expect(projectOfCompletion(completion(ref), '127.0.0.1:5000')).toEqual(expected);
  });

  it('prefers the project the backend names', () => {
    const project = { appId: 'a', jobId: 'b', desiredTag: 'c' };
    expect(projectOfCompletion({ ...completion('x/y:z'), project }, '127.0.0.1:5000')).toEqual(project);
  });
});

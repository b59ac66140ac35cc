import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { V1Job, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { createKubernetesBuilder } from './kubernetes-builder';
import { FakeApiServer } from './__fixtures__/fake-api-server';
import { sampleSpec, SETTINGS } from './__fixtures__/build-spec';
import type { BuildLog } from '../../../../shared/builds/builder-types';
import { startLocalRegistry, type LocalRegistry } from '../../../../shared/registry/local-registry';
import { pushImage, type PushedImage } from '../__fixtures__/pushed-image';
import { createBuilder } from '../api';
import { loadConfig } from '../../../../shared/config/config';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const JOB_NAME = 'ccp-build-20261128t045006z-2c2287bb59';
const POD_NAME = `${JOB_NAME}-x7k2p`;

function terminated(name: string, exitCode: number, message: string | undefined, startedAt: string, finishedAt: string) {
  return { name, image: 'img', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, message, startedAt, finishedAt } } };
}

function podWith(init: object[], main: object[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD_NAME, namespace: 'ccp', labels: { 'job-name': JOB_NAME } },
    status: { initContainerStatuses: init, containerStatuses: main },
  } as V1Pod;
}

/** The Job as the API server reports it in an ApiServerSource event, with a final condition. */
function jobEvent(submitted: V1Job, condition: { type: string; reason?: string } | null, type = 'dev.knative.apiserver.resource.update') {
  const status = condition ? { conditions: [{ type: condition.type, status: 'True', reason: condition.reason }] } : { active: 1 };
  return { type, data: JSON.stringify({ ...submitted, status }) };
}

describe('kubernetes builder against a fake API server', () => {
  const api = new FakeApiServer();
  const noLog: BuildLog = { write: () => undefined };
  let submitted: V1Job;

  beforeAll(async () => {
    await api.start();
    const builder = createKubernetesBuilder(SETTINGS, api.builderOptions());
    const log: string[] = [];
    const start = await builder.start(sampleSpec(), { write: (text) => log.push(text) }, new AbortController().signal);
    expect(start).toEqual({ kind: 'submitted', namespace: 'ccp', jobName: JOB_NAME });
    expect(log.join('')).toContain(`Job ccp/${JOB_NAME}`);
    submitted = api.jobs.get(JOB_NAME) as V1Job;
  });

  afterAll(() => api.stop());

  const builder = () => createKubernetesBuilder(SETTINGS, api.builderOptions());

  it('creates the Job with one POST to the namespace, authenticated, with a body that validates', () => {
    expect(api.requests.map(({ method, path, authorization }) => ({ method, path, authorization }))).toEqual([
      { method: 'POST', path: '/apis/batch/v1/namespaces/ccp/jobs', authorization: 'Bearer fake-token' },
    ]);
    expect(() => new Job(submitted as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
    expect(submitted.metadata!.labels!['ccp.centos.org/build-id']).toBe('20261128T045006Z-2c2287bb59');
  });

  it('a second submission of the same build (a redelivered event) finds the Job and still answers submitted', async () => {
    const start = await builder().start(sampleSpec(), noLog, new AbortController().signal);
    expect(start).toEqual({ kind: 'submitted', namespace: 'ccp', jobName: JOB_NAME });
    expect(api.requests.at(-1)).toEqual(expect.objectContaining({ method: 'POST' }));
  });

  it.each([
    ['a Job still running', () => jobEvent(submitted, null)],
    ['another kind of event', () => ({ ...jobEvent(submitted, { type: 'Complete' }), type: 'dev.knative.apiserver.resource.delete' })],
    [
      'a Job that is not ours',
      () => ({
        type: 'dev.knative.apiserver.resource.update',
        data: { kind: 'Job', metadata: { name: 'x', labels: {} }, status: { conditions: [{ type: 'Complete', status: 'True' }] } },
      }),
    ],
    ['data that is not JSON', () => ({ type: 'dev.knative.apiserver.resource.update', data: '{not json' })],
  ])('%s gives null without asking the API', async (_name, event) => {
    const before = api.requests.length;
    await expect(builder().completeFromEvent(event())).resolves.toBeNull();
    expect(api.requests.length).toBe(before);
  });

  it('a completed Job: digest from the termination message, step times, the pod log through the API', async () => {
    api.pods.set(JOB_NAME, [
      podWith(
        [
          terminated('checkout', 0, undefined, '2026-11-28T10:00:00Z', '2026-11-28T10:00:02Z'),
          terminated('prebuild', 0, undefined, '2026-11-28T10:00:02Z', '2026-11-28T10:00:05Z'),
        ],
        [terminated('build', 0, DIGEST, '2026-11-28T10:00:05Z', '2026-11-28T10:00:35Z')],
      ),
    ]);
    api.logs.set(`${POD_NAME}/checkout`, 'checked out\n');
    api.logs.set(`${POD_NAME}/prebuild`, 'prepared');
    api.logs.set(`${POD_NAME}/build`, 'STEP 1/2: FROM sample/base:latest\n');
    const before = api.requests.length;
    const completion = await builder().completeFromEvent(jobEvent(submitted, { type: 'Complete' }));
    expect(completion).toEqual({
      buildId: '20261128T045006Z-2c2287bb59',
      project: { appId: 'sample', jobId: 'child', desiredTag: 'latest' },
      namespace: 'ccp',
      jobName: JOB_NAME,
      outcome: {
        status: 'succeeded',
        imageRef: 'registry.example.org:5000/sample/child:latest',
        digest: DIGEST,
        steps: { checkout: 2000, prebuild: 3000, build: 30000 },
      },
      log: '==> checkout\nchecked out\n==> prebuild\nprepared\n==> build\nSTEP 1/2: FROM sample/base:latest\n',
    });
    expect(api.requests.slice(before).map(({ method, path, query }) => `${method} ${path} ${new URLSearchParams(query).toString()}`)).toEqual([
      `GET /api/v1/namespaces/ccp/pods labelSelector=job-name%3D${JOB_NAME}`,
      `GET /api/v1/namespaces/ccp/pods/${POD_NAME}/log container=checkout`,
      `GET /api/v1/namespaces/ccp/pods/${POD_NAME}/log container=prebuild`,
      `GET /api/v1/namespaces/ccp/pods/${POD_NAME}/log container=build`,
    ]);
  });

  const T0 = '2026-11-28T10:00:00Z';
  const T1 = '2026-11-28T10:00:01Z';
  describe('the base image the build pod reports', () => {
    const STORAGE = `sha256:${'b'.repeat(64)}`;
    let root: string;
    let registry: LocalRegistry;
    let base: PushedImage;

    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'ccp-k8s-base-'));
      registry = await startLocalRegistry({ dir: path.join(root, 'registry'), login: true });
      base = await pushImage(registry, 'sample/base', 'latest', 'base');
    });
    afterAll(async () => {
      await registry.stop();
      await rm(root, { recursive: true, force: true });
    });

    /** The build container's termination message as BUILD_REPORT_SCRIPT writes it. */
    const report = (fields: Record<string, string>) =>
      Object.entries({ digest: DIGEST, ...fields })
        .map(([key, value]) => `${key}=${value}\n`)
        .join('');

    it.each<[string, () => string, () => { ref: string; digest: string }[] | undefined]>([
      [
        'the pipeline registry serves the base’s config: its digest',
        () => report({ 'base-name': base.ref, 'base-digest': STORAGE, 'base-id': base.configDigest.slice('sha256:'.length) }),
        () => [{ ref: base.ref, digest: base.digest }],
      ],
      [
        'the registry serves another config (the tag moved): the storage’s digest',
        () => report({ 'base-name': base.ref, 'base-digest': STORAGE, 'base-id': 'e'.repeat(64) }),
        () => [{ ref: base.ref, digest: STORAGE }],
      ],
      [
        'a base on another registry: the storage’s digest, not asked',
        () => report({ 'base-name': 'docker.io/library/alpine:3.19', 'base-digest': STORAGE, 'base-id': base.configDigest }),
        () => [{ ref: 'docker.io/library/alpine:3.19', digest: STORAGE }],
      ],
      ['a malformed base name: no base, the build stands', () => report({ 'base-name': `${base.ref} x`, 'base-digest': STORAGE }), () => undefined],
      ['an image FROM scratch: no base', () => report({}), () => undefined],
      ['the bare digest of a Job an older version started: no base', () => DIGEST, () => undefined],
    ])('%s', async (_case, message, expected) => {
      api.pods.set(JOB_NAME, [podWith([], [terminated('build', 0, message(), T0, T1)])]);
      const before = api.requests.length;
      const completion = await createKubernetesBuilder(SETTINGS, { ...api.builderOptions(), registry: registry.access }).completeFromEvent(
        jobEvent(submitted, { type: 'Complete' }),
      );
      const bases = expected();
      expect(completion?.outcome).toEqual({
        status: 'succeeded',
        imageRef: 'registry.example.org:5000/sample/child:latest',
        digest: DIGEST,
        steps: { build: 1000 },
        ...(bases ? { baseImageDigests: bases } : {}),
      });
      expect(api.requests.slice(before).map(({ method, path }) => `${method} ${path}`)).toEqual([
        'GET /api/v1/namespaces/ccp/pods',
        `GET /api/v1/namespaces/ccp/pods/${POD_NAME}/log`,
      ]);
    });

    it('made from the function’s config, asks the configured registry with the configured login', async () => {
      const config = {
        ...loadConfig({ dataDir: root }, {}),
        builder: 'kubernetes' as const,
        kubernetes: SETTINGS,
        registry: registry.address,
        registryAuth: registry.login!,
        registryTlsVerify: false,
      };
      const message = report({ 'base-name': base.ref, 'base-digest': STORAGE, 'base-id': base.configDigest });
      api.pods.set(JOB_NAME, [podWith([], [terminated('build', 0, message, T0, T1)])]);
      const completion = await createBuilder(config, api.builderOptions()).completeFromEvent!(jobEvent(submitted, { type: 'Complete' }));
      expect(completion?.outcome.baseImageDigests).toEqual([{ ref: base.ref, digest: base.digest }]);
    });

    it('without a registry configured, the storage’s digest stands', async () => {
      const message = report({ 'base-name': base.ref, 'base-digest': STORAGE, 'base-id': base.configDigest });
      api.pods.set(JOB_NAME, [podWith([], [terminated('build', 0, message, T0, T1)])]);
      const completion = await builder().completeFromEvent(jobEvent(submitted, { type: 'Complete' }));
      expect(completion?.outcome.baseImageDigests).toEqual([{ ref: base.ref, digest: STORAGE }]);
    });

    it('a failed build records no base, whatever the message', async () => {
      const message = report({ 'base-name': base.ref, 'base-digest': STORAGE, 'base-id': base.configDigest });
      api.pods.set(JOB_NAME, [podWith([], [terminated('build', 0, message, T0, T1)])]);
      const completion = await builder().completeFromEvent(jobEvent(submitted, { type: 'Failed', reason: 'BackoffLimitExceeded' }));
      expect(completion?.outcome).toEqual({
        status: 'failed',
        reason: 'the build Job failed: BackoffLimitExceeded',
        imageRef: 'registry.example.org:5000/sample/child:latest',
        steps: { build: 1000 },
      });
    });
  });

  it.each([
    [
      'an unreachable repository',
      [terminated('checkout', 1, "fatal: unable to access 'https://git.example.org/sample.git/': Could not resolve host", T0, T1)],
      [],
      /^git fetch of https:\/\/git\.example\.org\/sample\.git at a{40} failed: fatal: unable to access/,
    ],
    [
      'a failing prebuild',
      [terminated('checkout', 0, undefined, T0, T1), terminated('prebuild', 1, 'prebuild script ./prepare.sh exited with 2', T0, T1)],
      [],
      /^prebuild script \.\/prepare\.sh exited with 2$/,
    ],
    [
      'a failing RUN (message from the log tail)',
      [terminated('checkout', 0, undefined, T0, T1)],
      [terminated('build', 1, 'STEP 2/2: RUN make\nsubprocess exited with status 2\nError: building at STEP "RUN make": exit status 2', T0, T1)],
      /^RUN make exited with 2$/,
    ],
    [
      'a refused push',
      [terminated('checkout', 0, undefined, T0, T1)],
      [terminated('build', 1, 'push of registry.example.org:5000/sample/child:latest refused: denied', T0, T1)],
      /^push of .* refused: denied$/,
    ],
  ])('%s fails with the reason', async (_name, init, main, reason) => {
    api.pods.set(JOB_NAME, [podWith(init, main)]);
    const completion = await builder().completeFromEvent(jobEvent(submitted, { type: 'Failed', reason: 'BackoffLimitExceeded' }));
    expect(completion?.outcome).toEqual(expect.objectContaining({ status: 'failed', reason: expect.stringMatching(reason) }));
  });

  it('a Job past its deadline whose pod is gone fails as timed out, with a note instead of the log', async () => {
    api.pods.set(JOB_NAME, []);
    const completion = await builder().completeFromEvent(
      jobEvent(submitted, { type: 'Failed', reason: 'DeadlineExceeded' }, 'dev.knative.apiserver.resource.add'),
    );
    expect(completion).toEqual(expect.objectContaining({ log: `==> the pod of Job ${JOB_NAME} is gone; no log\n` }));
    expect(completion?.outcome).toEqual({
      status: 'failed',
      reason: "build timed out after 2700 s (the Job's activeDeadlineSeconds)",
      imageRef: 'registry.example.org:5000/sample/child:latest',
      steps: {},
    });
  });

  it('an API server that refuses the Job makes start throw, for the broker to retry', async () => {
    const other = createKubernetesBuilder({ ...SETTINGS, namespace: 'forbidden' }, api.builderOptions());
    await expect(other.start(sampleSpec(), noLog, new AbortController().signal)).rejects.toThrow(
      /^cannot create Job forbidden\/ccp-build-.*: HTTP 403 jobs.batch is forbidden$/,
    );
  });
});

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { loadConfig, type Config } from '../../shared/config/config';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { createLocalRepo, type LocalRepo } from '../../shared/git/local-repo';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { FsObjectStore } from '../../shared/store/fs-store';
import { createFunctionContext } from '../../shared/function/context';
import type { FunctionContext } from '../../shared/function/types';
import { handle } from './handle';

const GOOD = 'FROM registry.example.org/base/os:9\nRUN yum install -y httpd-2.4.57 && yum clean all\nUSER 1001\nCMD ["httpd", "-DFOREGROUND"]\n';
const WARNED = 'FROM centos\nMAINTAINER someone@example.com\nRUN yum install -y httpd\nCMD httpd -DFOREGROUND\n';
const BROKEN = 'FROM centos:7\nCOPY --from=missing /a /b\nRUN echo hi\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n';

function entry(repo: LocalRepo, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId: 'team',
    jobId: 'web',
    gitUrl: repo.url,
    gitBranch: 'main',
    gitPath: 'docker',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.com'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'team.yaml', line: 2 },
    ...overrides,
  };
}

function request(data: Partial<BuildRequestedData> & { entry: ProjectEntry }, id = 'req-1'): CloudEvent<unknown> {
  const project = { appId: data.entry.appId, jobId: data.entry.jobId, desiredTag: data.entry.desiredTag };
  return makeEvent(EventTypes.buildRequested, { project, cause: { kind: 'manual', message: 'test' }, ...data }, { source: '/test', id });
}

async function lintOnce(context: FunctionContext, event: CloudEvent<unknown>): Promise<LintCompletedData> {
  const emitted = await handle(event, context);
  expect(emitted.map((e) => e.type)).toEqual([EventTypes.lintCompleted]);
  return emitted[0]!.data as LintCompletedData;
}

describe('lint handle', () => {
  let dir: string;
  let repo: LocalRepo;
  let context: FunctionContext;
  let config: Config;
  const commits: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-lint-fn-'));
    repo = await createLocalRepo('main', path.join(dir, 'repo'));
    commits.good = await repo.commit({ 'docker/Dockerfile': GOOD }, 'good');
    commits.warned = await repo.commit({ 'docker/Dockerfile': WARNED }, 'warned');
    commits.broken = await repo.commit({ 'docker/Dockerfile': BROKEN }, 'broken');
    commits.configured = await repo.commit(
      { 'docker/Dockerfile': BROKEN, 'docker/.hadolint.yaml': 'failure-threshold: none\nignored: [DL4004]\n' },
      'configured',
    );
    commits.badConfig = await repo.commit({ 'docker/.hadolint.yaml': 'ignored: DL4004\n' }, 'bad config');
    config = { ...loadConfig({ dataDir: path.join(dir, 'data') }, {}), lint: { failureThreshold: 'error', shellcheck: true } };
    context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'data', 'store')) });
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores hadolint JSON and SARIF and passes a clean Dockerfile', async () => {
    const data = await lintOnce(context, request({ entry: entry(repo), commit: commits.good, buildId: 'b-good' }));
    expect(data).toMatchObject({ buildId: 'b-good', commit: commits.good, verdict: 'passed', blocking: false, failureThreshold: 'error' });
    expect(data.reports).toEqual({
      json: 'reports/team/web/latest/b-good/lint.json',
      sarif: 'reports/team/web/latest/b-good/lint.sarif',
    });
    const json = JSON.parse((await context.store.get(data.reports.json))!.body.toString());
    expect(json).toEqual([]);
    const sarif = JSON.parse((await context.store.get(data.reports.sarif))!.body.toString());
    expect(sarif.version).toEqual('2.1.0');
  });

  it('reports best-practice findings without blocking', async () => {
    const data = await lintOnce(context, request({ entry: entry(repo), commit: commits.warned, buildId: 'b-warned' }));
    expect({ verdict: data.verdict, blocking: data.blocking }).toEqual({ verdict: 'passed', blocking: false });
    const codes = JSON.parse((await context.store.get(data.reports.json))!.body.toString()).map((f: { code: string; line: number }) => `${f.code}@${f.line}`);
    expect(codes).toEqual(expect.arrayContaining(['DL3006@1', 'DL4000@2', 'DL3032@3', 'DL3025@4']));
    expect(data.counts.warning).toBeGreaterThanOrEqual(3);
  });

  it('blocks on an error-level finding', async () => {
    const data = await lintOnce(context, request({ entry: entry(repo), commit: commits.broken, buildId: 'b-broken' }));
    expect({ verdict: data.verdict, blocking: data.blocking }).toEqual({ verdict: 'failed', blocking: true });
    expect(data.counts.error).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an image of another registry: none', 'good', []],
    ['a one-part name: the library app, tag latest', 'warned', ['library/centos:latest']],
    ['also when the lint blocks', 'broken', ['library/centos:7']],
  ])('names the index images of the FROM lines in baseImages: %s', async (_name, commit, baseImages) => {
    const data = await lintOnce(context, request({ entry: entry(repo), commit: commits[commit], buildId: `b-from-${commit}` }));
    expect(data.baseImages).toEqual(baseImages);
  });

  it("honours the project's .hadolint.yaml", async () => {
    const data = await lintOnce(context, request({ entry: entry(repo), commit: commits.configured, buildId: 'b-conf' }));
    expect({ verdict: data.verdict, failureThreshold: data.failureThreshold }).toEqual({ verdict: 'passed', failureThreshold: 'none' });
    const codes = JSON.parse((await context.store.get(data.reports.json))!.body.toString()).map((f: { code: string }) => f.code);
    expect(codes).not.toContain('DL4004');
  });

  it('lints the branch head when the request names no commit', async () => {
    const data = await lintOnce(context, request({ entry: entry(repo), buildId: 'b-head' }));
    expect(data.commit).toEqual(commits.badConfig);
  });

  it.each([
    ['a bad .hadolint.yaml', () => ({ entry: entry(repo), commit: commits.badConfig }), /\.hadolint\.yaml.*ignored/],
    [
      'a missing Dockerfile',
      () => ({ entry: entry(repo, { targetFile: 'Containerfile' }), commit: commits.good }),
      /docker\/Containerfile does not exist at commit/,
    ],
    ['an unknown branch', () => ({ entry: entry(repo, { gitBranch: 'nope' }) }), /has no branch or commit "nope"/],
    [
      'an unreachable repository',
      () => ({ entry: entry(repo, { gitUrl: 'file:///nonexistent/repo' }) }),
      /cannot fetch main from file:\/\/\/nonexistent\/repo/,
    ],
  ])('gives an error verdict that blocks for %s', async (_name, data, reason) => {
    const result = await lintOnce(context, request({ ...data(), buildId: 'b-error' }));
    expect({ verdict: result.verdict, blocking: result.blocking }).toEqual({ verdict: 'error', blocking: true });
    expect(result.reason).toMatch(reason);
  });

  describe('paths that lead out of the repository (read from the commit as the build reads its checkout)', () => {
    const linked: Record<string, string> = {};
    let canaryPath = '';

    beforeAll(async () => {
      // Links point at a canary of the test's own, never at a real host file: the test's own
      // writes go through links too (writeFile follows them).
      const canary = path.join(dir, 'host', 'canary');
      await mkdir(path.dirname(canary), { recursive: true });
      await writeFile(canary, 'CANARY-LINT\n');
      let previous: string[] = ['docker/.hadolint.yaml'];
      const links = async (name: string, files: Record<string, string>, pairs: Array<[string, string]>): Promise<void> => {
        for (const link of previous) await rm(path.join(repo.dir, link), { force: true });
        await repo.commit(files, `${name} files`);
        for (const [link, target] of pairs) {
          await rm(path.join(repo.dir, link), { force: true });
          await symlink(target.replace('$CANARY', canary), path.join(repo.dir, link));
        }
        previous = pairs.map(([link]) => link);
        linked[name] = await repo.commit({}, name);
      };
      await links('inside', { 'real/Dockerfile': GOOD }, [['docker/Dockerfile', '../real/Dockerfile']]);
      await links('host-file', {}, [['docker/Dockerfile', '$CANARY']]);
      await links('host-context', { 'docker/Dockerfile': GOOD }, [['docker/passwd', '$CANARY']]);
      await links('bind-mount', { 'docker/Dockerfile': `${GOOD}RUN --mount=type=bind,source=.,target=/src ls /src\n` }, []);
      expect(await readFile(canary, 'utf8')).toEqual('CANARY-LINT\n');
      canaryPath = canary;
    });
    it('lints the file a symlink inside the repository points at', async () => {
      const data = await lintOnce(context, request({ entry: entry(repo), commit: linked.inside, buildId: 'b-linked' }));
      expect({ verdict: data.verdict, reason: data.reason }).toEqual({ verdict: 'passed', reason: undefined });
    });

    it.each([
      ['a Dockerfile linked to a host file', 'host-file', 'target-file docker/Dockerfile leads out of the repository (docker/Dockerfile -> $CANARY)'],
      ['a context symlink to a host file', 'host-context', 'build context docker has a symlink that leads out of the repository: docker/passwd -> $CANARY'],
      [
        'a RUN --mount that binds the context',
        'bind-mount',
        'docker/Dockerfile line 5: RUN --mount type=bind is not allowed (it shows host files through symlinks); use COPY',
      ],
    ])('gives an error verdict that blocks for %s', async (_name, commit, reason) => {
      const data = await lintOnce(context, request({ entry: entry(repo), commit: linked[commit], buildId: `b-${commit}` }));
      expect({ verdict: data.verdict, blocking: data.blocking, reason: data.reason }).toEqual({
        verdict: 'error',
        blocking: true,
        reason: reason.replace('$CANARY', canaryPath),
      });
    });
  });

  it('gives the same build id and report keys to a redelivered request without one', async () => {
    const event = request({ entry: entry(repo), commit: commits.good }, 'redelivered');
    const first = await lintOnce(context, event);
    const second = await lintOnce(context, event);
    expect(second.buildId).toEqual(first.buildId);
    expect(second.reports).toEqual(first.reports);
  });

  it('looks the entry up in the index when the request names only the project', async () => {
    const indexed = await createFunctionContext(config, silentLogger, { store: context.store, projects: [entry(repo)] });
    const event = makeEvent(
      EventTypes.buildRequested,
      { project: { appId: 'team', jobId: 'web', desiredTag: 'latest' }, commit: commits.good, cause: { kind: 'manual', message: 'kn event send' } },
      { source: '/test' },
    );
    await expect(lintOnce(indexed, event)).resolves.toMatchObject({ verdict: 'passed' });
  });

  it('rejects a request for a project the index does not have', async () => {
    const event = makeEvent(
      EventTypes.buildRequested,
      { project: { appId: 'team', jobId: 'ghost', desiredTag: 'latest' }, cause: { kind: 'manual', message: 'kn event send' } },
      { source: '/test' },
    );
    await expect(handle(event, context)).rejects.toThrow(ValidationError);
    await expect(handle(event, context)).rejects.toThrow('team/ghost:latest is not in the index');
  });
});

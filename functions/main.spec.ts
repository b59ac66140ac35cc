import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HTTP, type CloudEvent } from 'cloudevents';
import { ValidationError } from '../shared/errors/validation-error';
import { EventTypes } from '../shared/events/types';
import { makeEvent } from '../shared/events/make';
import { type LintCompletedData } from '../shared/events/contracts/lint-completed';
import { createLocalRepo } from '../shared/git/local-repo';
import type { ProjectEntry } from '../shared/index/types';
import { FsObjectStore } from '../shared/store/fs-store';
import { FUNCTIONS } from './api';
import { run, start, type ServingFunction } from './main';

const NAMES = [...FUNCTIONS.keys()].join(', ');

describe('container entry (functions/main.ts, 127.0.0.1)', () => {
  let dir: string;
  let lines: string[];
  const servers: ServingFunction[] = [];
  const write = (line: string): void => {
    lines.push(line);
  };
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ HOST: '127.0.0.1', PORT: '0', CCP_DATA_DIR: path.join(dir, 'data'), ...extra });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-main-'));
    lines = [];
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves FUNCTION=lint: a binary build.requested gets lint.completed back, reports land in the store, logs are JSON with fn', async () => {
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    const commit = await repo.commit({ Dockerfile: 'FROM centos\nUSER 1001\nCMD ["sleep", "1"]\n' });
    const entry: ProjectEntry = {
      id: 1,
      appId: 'team',
      jobId: 'web',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: '',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: ['team@example.com'],
      buildContext: './',
      dependsOn: [],
      source: { file: 'team.yaml', line: 2 },
    };
    const server = await start(env({ FUNCTION: 'lint' }), { write });
    servers.push(server);
    expect(server.definition.name).toBe('lint');

    const request = makeEvent(
      EventTypes.buildRequested,
      { project: { appId: 'team', jobId: 'web', desiredTag: 'latest' }, entry, cause: { kind: 'manual', message: 'by the entry test' } },
      { source: '/test', id: 'req-1' },
    );
    const message = HTTP.binary(request);
    const response = await fetch(server.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect(response.status).toBe(200);
    const reply = HTTP.toEvent({ headers: Object.fromEntries(response.headers), body: await response.text() }) as CloudEvent<LintCompletedData>;
    expect([reply.type, reply.data?.verdict, reply.data?.commit, reply.data?.counts.warning]).toEqual([EventTypes.lintCompleted, 'passed', commit, 1]);

    const store = new FsObjectStore(path.join(dir, 'data', 'store'));
    const report = await store.get(reply.data!.reports.json);
    expect((JSON.parse(report!.body.toString('utf8')) as Array<{ code: string }>).map((finding) => finding.code)).toEqual(['DL3006']);

    const logged = lines.map((line) => JSON.parse(line) as { msg: string; fn?: string; status?: number });
    expect(logged.map((line) => [line.msg, line.fn])).toEqual(
      expect.arrayContaining([
        ['function serving', 'lint'],
        ['linted', 'lint'],
        ['event', 'lint'],
      ]),
    );
    expect(logged.find((line) => line.msg === 'event')?.status).toBe(200);
  });

  it('serves FUNCTION=dead-letter, which answers its health probes', async () => {
    const server = await start(env({ FUNCTION: 'dead-letter' }), { write });
    servers.push(server);
    const health = await fetch(`${server.url}/health/readiness`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok', function: 'dead-letter' }]);
  });

  it.each([
    ['no FUNCTION', {}, 'FUNCTION', `must name one of ${NAMES}`],
    ['an unknown FUNCTION', { FUNCTION: 'no-such-fn' }, 'FUNCTION', `"no-such-fn" is not one of ${NAMES}`],
    ['a bad PORT', { FUNCTION: 'lint', PORT: 'eighty' }, 'PORT', '"eighty" is not a port number'],
    ['a bad CCP_STORE', { FUNCTION: 'lint', CCP_STORE: 'ftp' }, 'store.kind', 'must be "fs" or "s3", not "ftp"'],
  ])('refuses %s with a ValidationError naming it', async (_case, extra, field, message) => {
    const failure = start(env(extra as Record<string, string>), { write });
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ errors: [{ field, message }] });
  });

  it('logs one "cannot start" line with the bad variable and returns null for the process to exit 1', async () => {
    expect(await run(env({ FUNCTION: 'nope' }), { write })).toBeNull();
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      {
        time: expect.any(String),
        level: 'error',
        msg: 'cannot start',
        fn: 'nope',
        error: {
          name: 'ValidationError',
          message: `unknown function: FUNCTION: "nope" is not one of ${NAMES}`,
          stack: expect.stringMatching(/^ValidationError: unknown function[^\n]*\n\s+at /),
        },
        errors: [{ field: 'FUNCTION', message: `"nope" is not one of ${NAMES}` }],
      },
    ]);
  });
});

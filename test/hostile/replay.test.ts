import path from 'node:path';
import { HTTP } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { createLocalRepo } from '../../shared/git/local-repo';
import { signBody, signTimestampedBody } from '../../shared/webhooks/signature';
import { names, startWorld, type DispatchWorld } from '../dispatch/harness';
import { githubHeaders, githubPush, post, type Sent } from '../gateway/harness';
import { ingressAuthorization, ingressTokenFor } from '../../shared/host/ingress-token';

/**
 * Replayed, stale and forged webhooks through the HTTP door of the embedded runtime (`ccp serve`:
 * real gateway routes, broker, dispatcher, lint, buildah and registry): none of them builds.
 * What counts is what exists afterwards: build records in the store and builds started.
 */
const SECRET = 'hostile-replay-secret-31c7';
const FILES = { 'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n' };

describe('webhook replays build nothing (embedded runtime, real git, registry, builds)', () => {
  let world: DispatchWorld;

  beforeAll(async () => {
    world = await startWorld(FILES, (entry) => [entry('base')], { CCP_WEBHOOK_SECRET: SECRET, CCP_WEBHOOK_TIMESTAMP_TOLERANCE: '300' });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  beforeEach(() => world.forget());

  const door = (provider: string): string => `${world.served.server.url}/webhooks/${provider}`;
  const buildRecords = async (): Promise<number> => (await world.served.runtime.context.store.list('state/builds/tests/base/')).objects.length;
  const newCommit = async (note: string): Promise<string> => (await world.repo.commit({ 'base/README': `${note}\n` }, note)).trim();
  const genericBody = (commit: string): string => JSON.stringify({ repoUrl: world.repo.url, branch: 'main', commit, changedPaths: ['base/README'] });
  const settle = async (): Promise<void> => {
    await world.served.runtime.broker.idle();
  };

  it('builds a generic push once, however many new delivery ids it is sent under', async () => {
    const body = genericBody(await newCommit('generic'));
    const sent: Sent[] = [];
    for (const delivery of ['ci-1', 'ci-2', 'ci-3']) {
      sent.push(
        await post(door('generic'), body, { 'content-type': 'application/json', 'x-ccp-signature-256': signBody(body, SECRET), 'x-ccp-delivery': delivery }),
      );
      await settle();
    }
    expect(sent.map((reply) => reply.status)).toEqual([202, 202, 202]);
    expect([names(world.requested), world.started, await buildRecords()]).toEqual([['tests/base:latest'], ['tests/base:latest'], 1]);
  }, 120_000);

  it('builds a GitHub push once when GitHub redelivers it (new X-GitHub-Delivery), in another URL form too', async () => {
    const before = await buildRecords();
    const commit = await newCommit('github');
    const body = (cloneUrl: string): Buffer =>
      githubPush((payload) => {
        Object.assign(payload.repository as Record<string, unknown>, {
          clone_url: cloneUrl,
          html_url: cloneUrl,
          ssh_url: cloneUrl,
          git_url: cloneUrl,
          url: cloneUrl,
        });
        Object.assign(payload, {
          ref: 'refs/heads/main',
          after: commit,
          commits: [{ id: commit, added: [], removed: [], modified: ['base/README'] }],
          head_commit: null,
        });
      });
    const first = body(world.repo.url);
    const again = body(`${world.repo.url}.git`);
    const sent = [
      await post(door('github'), first, githubHeaders(first, SECRET, 'push', 'gh-delivery-1')),
      await post(door('github'), first, githubHeaders(first, SECRET, 'push', 'gh-delivery-2')),
      await post(door('github'), again, githubHeaders(again, SECRET, 'push', 'gh-delivery-3')),
    ];
    await settle();
    expect(sent.map((reply) => reply.status)).toEqual([202, 202, 202]);
    expect([world.started, (await buildRecords()) - before]).toEqual([['tests/base:latest'], 1]);
  }, 120_000);

  it('refuses a stale signed timestamp with 401 and builds nothing; a fresh one builds', async () => {
    const before = await buildRecords();
    const body = genericBody(await newCommit('timestamped'));
    const hourAgo = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await post(door('generic'), body, {
      'content-type': 'application/json',
      'x-ccp-timestamp': hourAgo,
      'x-ccp-signature-256': signTimestampedBody(hourAgo, body, SECRET),
      'x-ccp-delivery': 'ts-1',
    });
    const restamped = String(Math.floor(Date.now() / 1000));
    // The captured delivery with a fresh timestamp: its signature covered the old one.
    const forgedFresh = await post(door('generic'), body, {
      'content-type': 'application/json',
      'x-ccp-timestamp': restamped,
      'x-ccp-signature-256': signTimestampedBody(hourAgo, body, SECRET),
      'x-ccp-delivery': 'ts-2',
    });
    await settle();
    expect([stale.status, stale.body.error, forgedFresh.status, world.requested, (await buildRecords()) - before]).toEqual([
      401,
      // 3601 when a second ticks between signing and checking.
      expect.stringMatching(/^the signed timestamp is 360[01] s old, beyond the tolerance of 300 s: a replayed delivery is refused$/),
      401,
      [],
      0,
    ]);
    const fresh = await post(door('generic'), body, {
      'content-type': 'application/json',
      'x-ccp-timestamp': restamped,
      'x-ccp-signature-256': signTimestampedBody(restamped, body, SECRET),
      'x-ccp-delivery': 'ts-3',
    });
    await settle();
    expect([fresh.status, world.started, (await buildRecords()) - before]).toEqual([202, ['tests/base:latest'], 1]);
  }, 120_000);

  it('builds nothing for a forged signature', async () => {
    const before = await buildRecords();
    const body = genericBody(await newCommit('forged'));
    const forged = await post(door('generic'), body, {
      'content-type': 'application/json',
      'x-ccp-signature-256': signBody(body, 'guessed-secret'),
      'x-ccp-delivery': 'forged-1',
    });
    await settle();
    expect([forged.status, world.requested, world.started, (await buildRecords()) - before]).toEqual([401, [], [], 0]);
  }, 60_000);

  it('builds nothing for an event posted to the door with an entry of its own (another repository, a prebuild script)', async () => {
    const evil = await createLocalRepo('main', path.join(world.dir, 'evil'));
    const commit = (
      await evil.commit(
        { 'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo owned > /owned\n', 'base/run.sh': '#!/bin/sh\ntouch /tmp/ccp-owned\n' },
        'evil',
      )
    ).trim();
    const entry = { ...world.entry('base'), gitUrl: evil.url, prebuildScript: 'run.sh', prebuildContext: 'base' };
    const project = { appId: 'tests', jobId: 'base', desiredTag: 'latest' };
    const cause = { kind: 'manual' as const, message: 'sent by someone in the cluster' };
    const requested: BuildRequestedData = { project, entry, commit, buildId: 'evil-build-1', cause };
    const lintCompleted: LintCompletedData = {
      buildId: 'evil-build-2',
      project,
      entry,
      commit,
      verdict: 'passed',
      blocking: false,
      failureThreshold: 'error',
      counts: { error: 0, warning: 0, info: 0, style: 0 },
      reports: { json: 'x/lint.json', sarif: 'x/lint.sarif' },
      cause,
      causeChain: [cause],
    };
    const before = await buildRecords();
    const statuses: number[] = [];
    for (const event of [
      makeEvent(EventTypes.buildRequested, requested, { source: '/someone', id: 'evil-1' }),
      makeEvent(EventTypes.lintCompleted, lintCompleted, { source: '/someone', id: 'evil-2' }),
    ]) {
      const message = HTTP.binary(event);
      const { token } = await ingressTokenFor(world.served.runtime.context.config);
      statuses.push(
        (
          await fetch(`${world.served.server.url}/`, {
            method: 'POST',
            headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(token) },
            body: message.body as string,
          })
        ).status,
      );
      await settle();
    }
    expect([statuses, world.started, (await buildRecords()) - before]).toEqual([[202, 202], [], 0]);
  }, 60_000);
});

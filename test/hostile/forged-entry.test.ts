import { HTTP, type CloudEvent } from 'cloudevents';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type BuildRequestedData } from '../../shared/events/contracts/build-requested';
import { type LintCompletedData } from '../../shared/events/contracts/lint-completed';
import { type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { startWorld, type DispatchWorld } from '../dispatch/harness';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from '../notify/smtp-sink';
import { ingressAuthorization, ingressTokenFor } from '../../shared/host/ingress-token';

/**
 * Events posted to `ccp serve`'s CloudEvent door with an entry of their own that names another
 * `notify-email`: lint and build refuse the forged ones, the dead-letter path ends those builds,
 * and notify mails what follows. Whatever the entry says, a real SMTP server on 127.0.0.1 must
 * receive no mail for the attacker's address: recipients come from the index (+ the Cc) only.
 */
const ATTACKER = 'attacker@example.org';
const CC = 'ops@example.com';
const FILES = { 'base/Dockerfile': 'FROM test/busybox:latest\nRUN echo base > /base.txt\n' };
const CAUSE: BuildCause = { kind: 'manual', message: 'sent by someone in the cluster' };

describe('forged entries reach no mail (ccp serve, real SMTP server)', () => {
  let smtp: SmtpSink;
  let world: DispatchWorld;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    world = await startWorld(FILES, (entry) => [entry('base')], { ...smtpEnvOf(smtp), CCP_MAIL_FROM: 'ccp@example.com', CCP_MAIL_CC: CC });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    await smtp?.close();
  });

  const project = { appId: 'tests', jobId: 'base', desiredTag: 'latest' };
  const forged = () => ({ ...world.entry('base'), notifyEmail: [ATTACKER], gitUrl: 'https://evil.example.org/x.git' });

  async function postToDoor(event: CloudEvent<unknown>): Promise<number> {
    const message = HTTP.binary(event);
    const { token } = await ingressTokenFor(world.served.runtime.context.config);
    const answer = await fetch(`${world.served.server.url}/`, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(token) },
      body: message.body as string,
    });
    return answer.status;
  }

  /** Waits until the broker is idle and `count` mails arrived (or 20 s passed), then a little more for strays. */
  async function mailsAfter(count: number): Promise<string[][]> {
    const until = Date.now() + 20_000;
    await world.served.runtime.broker.idle();
    while (smtp.mails.length < count && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await world.served.runtime.broker.idle();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    await world.served.runtime.broker.idle();
    return smtp.mails.splice(0).map((mail) => [...mail.envelopeTo].sort());
  }

  it.each([
    [
      'a build.requested (refused by lint, ended by the dead-letter path)',
      (): CloudEvent<unknown> =>
        makeEvent(EventTypes.buildRequested, { project, entry: forged(), buildId: 'evil-requested', cause: CAUSE } satisfies BuildRequestedData, {
          source: '/someone',
          id: 'evil-1',
        }),
    ],
    [
      'a lint.completed (refused by build, ended by the dead-letter path)',
      (): CloudEvent<unknown> =>
        makeEvent(
          EventTypes.lintCompleted,
          {
            buildId: 'evil-linted',
            project,
            entry: forged(),
            commit: 'c'.repeat(40),
            verdict: 'passed',
            blocking: false,
            failureThreshold: 'error',
            counts: { error: 0, warning: 0, info: 0, style: 0 },
            reports: { json: 'x/lint.json', sarif: 'x/lint.sarif' },
            cause: CAUSE,
            causeChain: [CAUSE],
          } satisfies LintCompletedData,
          { source: '/someone', id: 'evil-2' },
        ),
    ],
    [
      'a build.completed (straight to notify)',
      (): CloudEvent<unknown> =>
        makeEvent(
          EventTypes.buildCompleted,
          {
            buildId: 'evil-completed',
            project,
            entry: forged(),
            status: 'failed',
            reason: 'forged',
            reports: { log: 'reports/tests/base/latest/evil-completed/build.log' },
            timings: { startedAt: '2026-12-06T00:00:00Z', finishedAt: '2026-12-06T00:00:01Z', durationMs: 1000 },
            cause: CAUSE,
            causeChain: [CAUSE],
          } satisfies BuildCompletedData,
          { source: '/someone', id: 'evil-3' },
        ),
    ],
  ])(
    "mails only the index's address and the Cc for %s",
    async (_case, event) => {
      expect(await postToDoor(event())).toBe(202);
      expect(await mailsAfter(1)).toEqual([[CC, 'tests@example.com']]);
    },
    60_000,
  );

  it("sends a cascade notice whose item brings a forged entry to the index's address and the Cc only", async () => {
    const notice: NoticeRequestedData = { cascade: 'evil-cascade', cause: CAUSE, items: [{ project, entry: forged(), outcome: 'failed', reason: 'forged' }] };
    expect(await postToDoor(makeEvent(EventTypes.noticeRequested, notice, { source: '/someone', id: 'notice/evil-cascade' }))).toBe(202);
    expect((await mailsAfter(2)).sort()).toEqual([[CC], ['tests@example.com']]);
  }, 60_000);

  it('mails nobody, not even the Cc, for a build.completed of a project the index does not list', async () => {
    const ghost = { appId: 'tests', jobId: 'ghost', desiredTag: 'latest' };
    const completed: BuildCompletedData = {
      buildId: 'evil-ghost',
      project: ghost,
      entry: { ...forged(), jobId: 'ghost' },
      status: 'failed',
      reason: 'forged',
      reports: { log: 'reports/tests/ghost/latest/evil-ghost/build.log' },
      timings: { startedAt: '2026-12-06T00:00:00Z', finishedAt: '2026-12-06T00:00:01Z', durationMs: 1000 },
      cause: CAUSE,
      causeChain: [CAUSE],
    };
    expect(await postToDoor(makeEvent(EventTypes.buildCompleted, completed, { source: '/someone', id: 'evil-4' }))).toBe(202);
    expect(await mailsAfter(0)).toEqual([]);
  }, 60_000);
});

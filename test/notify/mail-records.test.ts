import type { CloudEvent } from 'cloudevents';
import { handle } from '../../functions/notify/handle';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import type { NoticeItem, NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { readMailRecords, type MailRecord } from '../../shared/mails/mail-records';
import { mailRecordsPrefix, reportKey } from '../../shared/store/keys';
import type { ProjectRef } from '../../shared/index/types';
import type { ObjectStore } from '../../shared/store/types';
import { CAUSES, completedBuild, entry, notifyWorld, refOf } from './notify-fixture';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from './smtp-sink';

// The mail records the project pages list (shared/mails/), written by the notify function as it
// sends to a real SMTP server on 127.0.0.1, over a filesystem store.
const SMTP_PASSWORD = 'smtp-password-0123456789';
const web = entry('team', 'web', ['dev@team.example.org']);
const db = entry('other', 'db', ['dev@team.example.org']);
// An index entry whose address holds a configured secret: the record must not show it.
const leaky = entry('team', 'leaky', [`${SMTP_PASSWORD}@team.example.org`]);
const BUILD = '20261206T040000Z-a1a1a1a1a1';

let smtp: SmtpSink;
beforeEach(async () => {
  smtp = await startSmtpSink();
});
afterEach(async () => {
  await smtp.close();
});

async function records(store: ObjectStore, ref: ProjectRef): Promise<MailRecord[]> {
  return (await readMailRecords(store, ref)).mails.map((item) => item.record);
}

async function recordKeys(store: ObjectStore, ref: ProjectRef): Promise<string[]> {
  return (await store.list(mailRecordsPrefix(ref), { delimiter: '/' })).objects.map((object) => object.key);
}

function noticeItem(event: CloudEvent<BuildCompletedData>): NoticeItem {
  const data = event.data!;
  return { project: data.project, entry: data.entry, outcome: data.status, buildId: data.buildId };
}

describe('notify: a record of each mail under the project it is about', () => {
  it('records a sent build mail (subject, recipients, build, links with their report keys, Message-ID) once, also when the event is redelivered', async () => {
    const world = await notifyWorld(smtpEnvOf(smtp, { CCP_SMTP_USER: 'ccp', CCP_SMTP_PASSWORD: SMTP_PASSWORD }), [web]);
    const event = await completedBuild(world.store, web, { buildId: BUILD, status: 'failed', reason: 'RUN exited with 1' });
    await handle(event, world.context);
    const [mail] = await smtp.waitFor(1);
    await handle(event, world.context);

    const [record, ...more] = await records(world.store, refOf(web));
    expect(more).toEqual([]);
    expect(await recordKeys(world.store, refOf(web))).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect({ ...record, at: typeof record!.at, links: record!.links.map((link) => link.key) }).toEqual({
      format: 'ccp.mail-record/v1',
      kind: 'build',
      state: 'sent',
      subject: mail!.parsed.subject,
      recipients: [{ address: 'dev@team.example.org', status: 'sent' }],
      at: 'string',
      eventId: event.id,
      eventType: EventTypes.buildCompleted,
      buildId: BUILD,
      links: ['build.log', 'lint.json', 'lint.sarif'].map((file) => reportKey(refOf(web), BUILD, file)),
      messageId: mail!.parsed.messageId!.replace(/^<|>$/g, ''),
    });
    expect(record!.links.every((link) => link.url.startsWith('file://'))).toBe(true);
  });

  it('records a send that failed with its error, then the same record as sent when the retry gets through; addresses are redacted', async () => {
    const down = await notifyWorld({ CCP_SMTP_HOST: '127.0.0.1', CCP_SMTP_PORT: '9', CCP_SMTP_SECURE: 'none', CCP_SMTP_PASSWORD: SMTP_PASSWORD }, [leaky]);
    const event = await completedBuild(down.store, leaky, { buildId: BUILD, status: 'failed' });
    await expect(handle(event, down.context)).rejects.toThrow();
    const [failed] = await records(down.store, refOf(leaky));
    const keyOfFailure = await recordKeys(down.store, refOf(leaky));

    const up = await notifyWorld(smtpEnvOf(smtp, { CCP_SMTP_PASSWORD: SMTP_PASSWORD }), [leaky], { store: down.store });
    await handle(event, up.context);
    await smtp.waitFor(1);
    const [sent, ...more] = await records(down.store, refOf(leaky));

    expect({ state: failed!.state, recipients: failed!.recipients, error: failed!.error?.includes('127.0.0.1:9') }).toEqual({
      state: 'failed',
      recipients: [{ address: '***@team.example.org', status: 'not-sent' }],
      error: true,
    });
    expect(failed!.error!.length).toBeLessThanOrEqual(500);
    expect({ state: sent!.state, recipients: sent!.recipients, error: sent!.error, more, keys: await recordKeys(down.store, refOf(leaky)) }).toEqual({
      state: 'sent',
      recipients: [{ address: '***@team.example.org', status: 'sent' }],
      error: undefined,
      more: [],
      keys: keyOfFailure,
    });
    expect(smtp.mails[0]!.envelopeTo).toEqual([`${SMTP_PASSWORD}@team.example.org`]);
  });

  it.each([
    [
      'one refused for good, one taken: sent, with the server’s reason for the other',
      ['dev@team.example.org', 'nobody@reject.test'],
      'sent',
      [
        ['dev@team.example.org', 'sent'],
        ['nobody@reject.test', 'rejected'],
      ],
    ],
    ['no valid address: refused, and nothing sent', ['not an address'], 'refused', [['not an address', 'invalid-address']]],
  ])('records a mail with %s; once, also when redelivered', async (_, addresses, state, recipients) => {
    const project = entry('team', 'mixed', addresses);
    const world = await notifyWorld(smtpEnvOf(smtp), [project]);
    const event = await completedBuild(world.store, project, { buildId: BUILD, status: 'failed' });
    await handle(event, world.context);
    await handle(event, world.context);
    const stored = await records(world.store, refOf(project));
    expect({
      states: stored.map((record) => record.state),
      recipients: stored.map((record) => record.recipients.map((recipient) => [recipient.address, recipient.status])),
      reasons: stored.flatMap((record) => record.recipients.filter((recipient) => recipient.status !== 'sent').map((recipient) => typeof recipient.reason)),
    }).toEqual({ states: [state], recipients: [recipients], reasons: recipients.filter(([, status]) => status !== 'sent').map(() => 'string') });
  });

  it('records a cascade notice under each project it names, with the cascade and each project’s own build', async () => {
    const world = await notifyWorld(smtpEnvOf(smtp, { CCP_NOTICE_SCAN_WAIT: '0' }), [web, db]);
    const cascade = 'index-cascade-7';
    const cause = { ...CAUSES['index-change'], cascade };
    const builds = [
      await completedBuild(world.store, web, { buildId: '20261206T050000Z-b1b1b1b1b1', status: 'failed', cause }),
      await completedBuild(world.store, db, { buildId: '20261206T050100Z-c1c1c1c1c1', status: 'failed', cause }),
    ];
    for (const build of builds) await handle(build, world.context);
    const notice = makeEvent(EventTypes.noticeRequested, { cascade, cause, items: builds.map(noticeItem) } satisfies NoticeRequestedData, {
      source: '/ccp/dispatch',
      id: `notice/${cascade}`,
    });
    await handle(notice, world.context);
    const [mail] = await smtp.waitFor(1);
    await handle(notice, world.context);

    const summary = async (ref: ProjectRef): Promise<unknown[]> =>
      (await records(world.store, ref)).map((record) => [record.kind, record.state, record.cascade, record.buildId, record.subject, record.recipients]);
    expect({ web: await summary(refOf(web)), db: await summary(refOf(db)), mails: smtp.mails.length }).toEqual({
      web: [['cascade-notice', 'sent', cascade, builds[0]!.data!.buildId, mail!.parsed.subject, [{ address: 'dev@team.example.org', status: 'sent' }]]],
      db: [['cascade-notice', 'sent', cascade, builds[1]!.data!.buildId, mail!.parsed.subject, [{ address: 'dev@team.example.org', status: 'sent' }]]],
      mails: 1,
    });
  });
});

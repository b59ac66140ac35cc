import { rm } from 'node:fs/promises';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { mailRecordKey, mailRecordsPrefix } from '../store/keys';
import { parseMailRecord, readMailRecords, saveMailRecord, type MailRecord } from './mail-records';

const team = { appId: 'team', jobId: 'web', desiredTag: 'latest' };
/** A job id nested below `team/web`: its records must not show on `team/web:latest`'s page. */
const nested = { appId: 'team', jobId: 'web/latest', desiredTag: 'x' };

function record(subject: string, overrides: Partial<MailRecord> = {}): MailRecord {
  return {
    format: 'ccp.mail-record/v1',
    kind: 'build',
    state: 'sent',
    subject,
    recipients: [{ address: 'dev@team.example.org', status: 'sent' }],
    at: '2026-12-06T04:00:00.000Z',
    eventId: subject,
    eventType: 'org.centos.ccp.build.completed',
    links: [],
    messageId: `${subject}@pipeline.example.org`,
    ...overrides,
  };
}

describe('mail records (state/mails/…)', () => {
  const store = new TempObjectStore();
  afterAll(() => rm(store.inner.root, { recursive: true, force: true }));

  it('pages newest first, 2 at a time, with the id of the last one as the cursor of the older page', async () => {
    for (let minute = 0; minute < 5; minute++) {
      await saveMailRecord(store, team, `event-${minute}\nbuild`, record(`mail ${minute}`), new Date(Date.UTC(2026, 11, 6, 4, minute)));
    }
    await saveMailRecord(store, nested, 'event-nested\nbuild', record('nested'), new Date(Date.UTC(2026, 11, 6, 5, 0)));
    await store.put(`${mailRecordsPrefix(team)}not-a-record.json`, '{}');

    const first = await readMailRecords(store, team, { limit: 2 });
    const second = await readMailRecords(store, team, { limit: 2, before: first.older! });
    const last = await readMailRecords(store, team, { limit: 2, before: second.older! });
    expect([first, second, last].map((page) => [page.mails.map((item) => item.record.subject), page.older !== null, page.total])).toEqual([
      [['mail 4', 'mail 3'], true, 5],
      [['mail 2', 'mail 1'], true, 5],
      [['mail 0'], false, 5],
    ]);
  });

  it('updates the record of a mail it has already (same event and mail), keeping the recipients the new one does not name', async () => {
    const ref = { ...team, desiredTag: 'update' };
    const identity = 'event-9\nnotice:dev@team.example.org';
    const first = await saveMailRecord(
      store,
      ref,
      identity,
      record('s', {
        state: 'failed',
        error: 'down',
        recipients: [
          { address: 'a@x.org', status: 'sent' },
          { address: 'b@x.org', status: 'not-sent' },
        ],
      }),
      new Date('2026-12-06T04:00:00Z'),
    );
    const second = await saveMailRecord(
      store,
      ref,
      identity,
      record('s', { recipients: [{ address: 'b@x.org', status: 'sent' }] }),
      new Date('2026-12-06T05:00:00Z'),
    );
    const page = await readMailRecords(store, ref);
    expect({ first, second, recipients: page.mails.map((item) => [item.record.state, item.record.error, item.record.recipients]) }).toEqual({
      first: mailRecordKey(ref, new Date('2026-12-06T04:00:00Z'), identity),
      second: first,
      recipients: [
        [
          'sent',
          undefined,
          [
            { address: 'a@x.org', status: 'sent' },
            { address: 'b@x.org', status: 'sent' },
          ],
        ],
      ],
    });
  });

  it.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ ...record('x'), format: 'other' })],
    ['an unknown kind', JSON.stringify({ ...record('x'), kind: 'spam' })],
    ['an unknown state', JSON.stringify({ ...record('x'), state: 'queued' })],
    ['a recipient without an address', JSON.stringify({ ...record('x'), recipients: [{ status: 'sent' }] })],
    ['a recipient with an unknown status', JSON.stringify({ ...record('x'), recipients: [{ address: 'a@x.org', status: 'read' }] })],
    ['a link without a URL', JSON.stringify({ ...record('x'), links: [{ label: 'log' }] })],
    ['a subject that is not text', JSON.stringify({ ...record('x'), subject: 7 })],
  ])('reads %s as no record', (_, text) => {
    expect(parseMailRecord(text)).toBeNull();
  });

  it('reads a record as written', () => {
    expect(parseMailRecord(JSON.stringify(record('x')))).toEqual(record('x'));
  });
});

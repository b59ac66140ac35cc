import express from 'express';
import { handle } from '../../functions/notify/handle';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { listen, type RunningServer } from '../../shared/host/listen';
import { reportRoutes } from '../../shared/host/report-routes';
import { MailTransportError } from '../../functions/notify/mail/errors';
import { notifyStateKey } from '../../functions/notify/mail/memory';
import { sentMarkerKey } from '../../functions/notify/mail/sent-markers';
import { buildRecordKey } from '../../shared/store/keys';
import { CAUSES, completedBuild, completedScan, entry, linksOf, notifyWorld, refOf, REGISTRY } from './notify-fixture';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from './smtp-sink';

// The notify function against a real SMTP server (smtp-server on 127.0.0.1) and a real
// filesystem store, with the embedded runtime's report routes serving the links it mails.
const web = entry('team', 'web', ['dev@team.example.org', 'lead@team.example.org']);

let smtp: SmtpSink;
beforeEach(async () => {
  smtp = await startSmtpSink();
});
afterEach(async () => {
  await smtp.close();
});

function smtpEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return smtpEnvOf(smtp, extra);
}

describe('notify: a build mail', () => {
  it('has the seed subject, From/To/Cc, a stable Message-ID, both parts, and links that open the stored reports', async () => {
    // A git push that builds fine is quiet by default; this project asked for every build.
    const world = await notifyWorld(smtpEnv({ CCP_MAIL_CC: 'ops@pipeline.example.org' }), [web], {
      configure: (config) => ({ ...config, mail: { ...config.mail!, policies: { 'team/web:latest': { builds: 'all' } } } }),
    });
    const app = express();
    app.use(reportRoutes(world.store));
    const server: RunningServer = await listen(app, { port: 0 });
    try {
      world.config.mail!.reportsBaseUrl = server.url;
      const event = await completedBuild(world.store, web, { buildId: '20261128T050000Z-aaaaaaaaaa', cause: CAUSES['git-push'] });
      await handle(event, world.context);

      const [mail] = await smtp.waitFor(1);
      const parsed = mail!.parsed;
      expect(parsed.subject).toEqual(`[${REGISTRY}] SUCCESS: Container build team/web:latest`);
      expect(parsed.from?.text).toEqual('ccp@pipeline.example.org');
      expect([parsed.to].flat().map((to) => to?.text)).toEqual(['dev@team.example.org, lead@team.example.org']);
      expect([parsed.cc].flat().map((cc) => cc?.text)).toEqual(['ops@pipeline.example.org']);
      expect(mail!.envelopeTo.sort()).toEqual(['dev@team.example.org', 'lead@team.example.org', 'ops@pipeline.example.org']);
      expect(parsed.messageId).toMatch(/^<[0-9a-f]{20}\.[0-9a-f]{8}@pipeline\.example\.org>$/);
      expect(parsed.headers.get('auto-submitted')).toEqual('auto-generated');

      const text = parsed.text ?? '';
      const html = typeof parsed.html === 'string' ? parsed.html : '';
      for (const part of [text, html]) {
        expect(part).toContain('Git commit 1a2b3c4d to branch main of repo https://git.example.org/team/web');
        expect(part).toContain(`sha256:${'ab'.repeat(32)}`);
        expect(part).toContain(`${REGISTRY}/team/web:latest`);
        expect(part).toContain('DL3006');
      }
      expect(text).toContain('Build Status:');
      expect(text).toMatch(/Findings:\s+0 error, 2 warning, 1 info, 0 style/);

      const links = linksOf(html, text);
      expect(links.html).toEqual(links.text);
      expect(links.html).toHaveLength(3);
      for (const url of links.html) {
        expect(url.startsWith(`${server.url}/reports/team/web/latest/20261128T050000Z-aaaaaaaaaa/`)).toBe(true);
        const response = await fetch(url);
        expect(response.status).toEqual(200);
        const key = decodeURIComponent(new URL(url).pathname.slice(1));
        expect(Buffer.from(await response.arrayBuffer())).toEqual((await world.store.get(key))!.body);
      }
    } finally {
      await server.close();
    }
  });

  it('links the reports of a failed build too and says why it failed', async () => {
    const world = await notifyWorld(smtpEnv(), [web]);
    const event = await completedBuild(world.store, web, { buildId: '20261128T050000Z-bbbbbbbbbb', status: 'failed', reason: 'RUN exited with 1 at line 3' });
    await handle(event, world.context);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.subject).toEqual('[registry.example.org:5000] FAILED: Container build team/web:latest');
    expect(mail!.parsed.text).toContain('RUN exited with 1 at line 3');
    const links = linksOf(typeof mail!.parsed.html === 'string' ? mail!.parsed.html : '', mail!.parsed.text ?? '');
    expect(links.html.map((url) => url.slice(url.lastIndexOf('/') + 1))).toEqual(['build.log', 'lint.json', 'lint.sarif']);
  });
});

describe('notify: quiet by default', () => {
  // cause × previous outcome × this outcome → mailed?
  it.each([
    ['manual', null, 'succeeded', true],
    ['first-build', null, 'succeeded', true],
    ['git-push', null, 'succeeded', false],
    ['git-push', 'succeeded', 'succeeded', false],
    ['git-push', 'succeeded', 'failed', true],
    ['git-push', 'failed', 'failed', true],
    ['git-push', 'failed', 'succeeded', true],
    ['rpm-update', 'succeeded', 'succeeded', false],
    ['rpm-update', 'failed', 'succeeded', true],
    ['parent-rebuilt', 'succeeded', 'succeeded', false],
    ['index-change', 'succeeded', 'failed', true],
    ['manual', 'succeeded', 'succeeded', true],
  ] as const)('%s after %s, now %s: mailed %s', async (cause, previous, status, mailed) => {
    const world = await notifyWorld(smtpEnv(), [web]);
    if (previous) {
      // The previous build goes through notify too (so it is remembered), quietly or not.
      await handle(await completedBuild(world.store, web, { buildId: '20261127T000000Z-0000000000', status: previous, cause: CAUSES[cause] }), world.context);
    }
    const before = smtp.mails.length;
    await handle(await completedBuild(world.store, web, { buildId: '20261128T000000Z-1111111111', status, cause: CAUSES[cause] }), world.context);
    expect(smtp.mails.length - before).toEqual(mailed ? 1 : 0);
  });

  it.each([
    ['builds: all for the project', { builds: 'all' }, 'team/web:latest', 1],
    ['builds: all for the app-id', { builds: 'all' }, 'team', 1],
    ['another project', { builds: 'all' }, 'other/x:latest', 0],
  ] as const)('a policy (%s) overrides the default', async (_name, policy, key, expected) => {
    const world = await notifyWorld(smtpEnv(), [web], { configure: (config) => ({ ...config, mail: { ...config.mail!, policies: { [key]: policy } } }) });
    await handle(await completedBuild(world.store, web, { buildId: '20261128T000000Z-2222222222', cause: CAUSES['rpm-update'] }), world.context);
    expect(smtp.mails.length).toEqual(expected);
  });

  it('mails a weekly scan the first time and when the result changed, not when it is the same, always when asked', async () => {
    const world = await notifyWorld(smtpEnv(), [web]);
    const base = { bash: '5.1.8-6.el9', openssl: '3.0.7-24.el9' };
    await handle(await completedScan(world.store, web, { packages: base, updates: ['openssl'], eventId: 'w1' }), world.context);
    await handle(await completedScan(world.store, web, { packages: base, updates: ['openssl'], eventId: 'w2' }), world.context);
    await handle(
      await completedScan(world.store, web, { packages: { ...base, openssl: '3.0.7-25.el9', zlib: '1.2.11' }, updates: [], eventId: 'w3' }),
      world.context,
    );
    const mails = await smtp.waitFor(2);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual([
      `[${REGISTRY}] team/web:latest weekly scan: 1 update`,
      `[${REGISTRY}] team/web:latest weekly scan: no findings`,
    ]);
    expect(mails[0]!.parsed.text).toContain('First scan of this image: 2 packages installed.');
    expect(mails[0]!.parsed.text).toContain('[medium] openssl has an update');
    expect(mails[1]!.parsed.text).toContain('rpm/centos/openssl 3.0.7-24.el9 → 3.0.7-25.el9');
    expect(mails[1]!.parsed.text).toContain('added rpm/centos/zlib 1.2.11');

    // The mail settings are the notify function's services, made once per process: a process with another policy.
    const always = { ...world.context, mail: { ...world.context.mail, policies: { team: { scans: 'always' as const } } } };
    await handle(await completedScan(world.store, web, { packages: base, updates: [], eventId: 'w4' }), always);
    await handle(await completedScan(world.store, web, { packages: base, updates: [], eventId: 'w5' }), always);
    expect((await smtp.waitFor(4)).length).toEqual(4);
  });
});

describe('notify: a cascade', () => {
  const base = entry('centos', 'base', ['platform@example.org']);
  const children = [
    entry('team', 'web', ['dev@team.example.org']),
    entry('team', 'api', ['dev@team.example.org', 'api@team.example.org']),
    entry('other', 'db', ['dba@other.example.org']),
  ];

  it('sends one combined mail per recipient, and none per build of the cascade', async () => {
    const world = await notifyWorld(smtpEnv(), [base, ...children]);
    const cause = { ...CAUSES['git-push'], cascade: 'cascade-1' };
    const failed = await completedBuild(world.store, base, { buildId: '20261128T060000Z-cccccccccc', status: 'failed', reason: 'RUN exited with 1', cause });
    await handle(failed, world.context);
    expect(smtp.mails).toHaveLength(0);

    const notice: NoticeRequestedData = {
      cascade: 'cascade-1',
      cause,
      origin: refOf(base),
      items: [
        { project: refOf(base), outcome: 'failed', buildId: failed.data!.buildId, reason: 'RUN exited with 1' },
        ...children.map((child) => ({
          project: refOf(child),
          outcome: 'skipped' as const,
          reason: 'parent centos/base:latest failed',
          blockedBy: 'centos/base:latest',
        })),
      ],
    };
    const event = makeEvent(EventTypes.noticeRequested, notice, { source: '/ccp/dispatch', id: 'notice/cascade-1' });
    await handle(event, world.context);
    await handle(event, world.context);

    const mails = await smtp.waitFor(4);
    const byRecipient = Object.fromEntries(mails.map((mail) => [mail.envelopeTo.join(','), mail.parsed]));
    expect(Object.keys(byRecipient).sort()).toEqual(['api@team.example.org', 'dba@other.example.org', 'dev@team.example.org', 'platform@example.org']);
    expect(mails).toHaveLength(4);
    expect(byRecipient['dev@team.example.org']!.subject).toEqual(`[${REGISTRY}] FAILED: Container build team/web:latest and 1 more image`);
    expect(byRecipient['dev@team.example.org']!.text).toContain('team/api:latest: SKIPPED');
    expect(byRecipient['dev@team.example.org']!.text).toContain('Waiting on:');
    expect(byRecipient['platform@example.org']!.text).toContain('centos/base:latest: FAILED');
    expect(byRecipient['platform@example.org']!.text).toContain('build.log');
  });
});

describe('notify: never twice', () => {
  it('does not mail again when the event is redelivered, even to a restarted function', async () => {
    const world = await notifyWorld(smtpEnv(), [web]);
    const event = await completedBuild(world.store, web, { buildId: '20261128T070000Z-dddddddddd' });
    await handle(event, world.context);
    await handle(event, world.context);
    const restarted = await notifyWorld(smtpEnv(), [web], { store: world.store });
    await handle(event, restarted.context);
    await smtp.waitFor(1);
    expect(smtp.mails).toHaveLength(1);
    const marker = await world.store.get(sentMarkerKey('/ccp/build 20261128T070000Z-dddddddddd/build', 'build', 'dev@team.example.org'));
    expect(JSON.parse(marker!.body.toString())).toMatchObject({ status: 'sent' });
  });
});

describe('notify: faults', () => {
  it('records an invalid and a refused address in the build record and the logs, and still mails the others', async () => {
    const odd = entry('team', 'web', ['dev@team.example.org', 'not an address', 'ghost@reject.test']);
    const world = await notifyWorld(smtpEnv(), [odd]);
    const event = await completedBuild(world.store, odd, { buildId: '20261128T080000Z-eeeeeeeeee' });
    await handle(event, world.context);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['dev@team.example.org']);
    const record = JSON.parse((await world.store.get(buildRecordKey(refOf(odd), '20261128T080000Z-eeeeeeeeee')))!.body.toString()) as {
      status: string;
      notifications: { recipient: string; status: string; reason?: string }[];
    };
    expect(record.status).toEqual('succeeded');
    expect(record.notifications.map(({ recipient, status }) => ({ recipient, status }))).toEqual([
      { recipient: 'dev@team.example.org', status: 'sent' },
      { recipient: 'ghost@reject.test', status: 'rejected' },
      { recipient: 'not an address', status: 'invalid-address' },
    ]);
    expect(record.notifications[1]!.reason).toContain('550');
    const warnings = world.logs.filter((line) => line.level === 'warn').map((line) => [line.msg, line.recipient]);
    expect(warnings).toEqual([
      ['not a valid mail address; not mailed', 'not an address'],
      ['mail server refused the recipient', 'ghost@reject.test'],
    ]);
  });

  it('throws a retryable error when the SMTP server is down, and the retry sends once it is back', async () => {
    const port = smtp.port;
    await smtp.close();
    const world = await notifyWorld(smtpEnv({ CCP_SMTP_PORT: String(port) }), [web]);
    const event = await completedBuild(world.store, web, { buildId: '20261128T090000Z-ffffffffff', status: 'failed' });
    const error = await handle(event, world.context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailTransportError);
    expect(error).toMatchObject({ retryable: true, code: 'ESOCKET' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);

    smtp = await startSmtpSink(port);
    await handle(event, world.context);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.subject).toContain('FAILED: Container build team/web:latest');
    expect(JSON.parse((await world.store.get(notifyStateKey(refOf(web))))!.body.toString())).toMatchObject({
      build: { current: { outcome: 'failed' }, previous: null },
    });
  });

  it('puts no secret in a mail: SMTP password, S3 keys, registry password, URL credentials', async () => {
    const secrets = { smtp: 'smtp-Pa55word-xyz', s3: 'S3secretKEY/abc+def', registry: 'reg&istry<pw>' };
    const world = await notifyWorld(
      smtpEnv({
        CCP_SMTP_USER: 'ccp',
        CCP_SMTP_PASSWORD: secrets.smtp,
        CCP_REGISTRY_USERNAME: 'robot',
        CCP_REGISTRY_PASSWORD: secrets.registry,
        CCP_S3_SECRET_ACCESS_KEY: secrets.s3,
      }),
      [web],
    );
    const reason = `push to https://robot:${secrets.registry}@${REGISTRY}/team/web failed; login ${secrets.smtp}; key ${secrets.s3}`;
    await handle(await completedBuild(world.store, web, { buildId: '20261128T100000Z-abababab00', status: 'failed', reason }), world.context);
    const [mail] = await smtp.waitFor(1);
    const everything = `${mail!.raw}\n${mail!.parsed.text ?? ''}\n${String(mail!.parsed.html)}`;
    for (const secret of Object.values(secrets)) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('reg&amp;istry&lt;pw&gt;');
    expect(mail!.parsed.text).toContain('push to https://***@');
  });
});

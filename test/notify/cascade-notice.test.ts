import type { CloudEvent } from 'cloudevents';
import { handle } from '../../functions/notify/handle';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCause } from '../../shared/events/contracts/parts';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { type NoticeItem, type NoticeRequestedData } from '../../shared/events/contracts/notice-requested';
import { readNoticeWait } from '../../functions/notify/mail/notice-waits';
import { CAUSES, completedBuild, completedScan, entry, notifyWorld, REGISTRY, type NotifyWorld } from './notify-fixture';
import { type ReceivedMail, smtpEnvOf, type SmtpSink, startSmtpSink } from './smtp-sink';

// Cascade notices against a real SMTP server on 127.0.0.1 and a filesystem store: each image
// with its own cause and changes, and first builds mailed once with their scans.
const base = entry('centos', 'base', ['platform@example.org']);
const web = entry('team', 'web', ['dev@team.example.org'], { dependsOn: ['centos/base:latest'] });
const db = entry('other', 'db', ['dba@other.example.org'], { source: { file: 'index.d/other.yaml', line: 14 } });
const DIGESTS = { base: `sha256:${'11'.repeat(32)}`, web: `sha256:${'22'.repeat(32)}`, db: `sha256:${'33'.repeat(32)}` };

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

function itemOf(event: CloudEvent<BuildCompletedData>): NoticeItem {
  const data = event.data!;
  return { project: data.project, entry: data.entry, outcome: data.status, buildId: data.buildId, ...(data.image ? { image: data.image } : {}) };
}

function noticeEvent(cascade: string, cause: BuildCause, items: NoticeItem[]): CloudEvent<NoticeRequestedData> {
  return makeEvent(EventTypes.noticeRequested, { cascade, cause, items }, { source: '/ccp/dispatch', id: `notice/${cascade}` });
}

function byRecipient(mails: readonly ReceivedMail[]): Record<string, ReceivedMail[]> {
  const result: Record<string, ReceivedMail[]> = {};
  for (const mail of mails) for (const to of mail.envelopeTo) result[to] = [...(result[to] ?? []), mail];
  return result;
}

async function settle(): Promise<void> {
  // The SMTP server parses a mail after the client is answered; give a stray one time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('notify: a cascade mail gives each image its own cause and changes', () => {
  it('rpm update, parent rebuilt and index change, each with its what-changed section, scan and links', async () => {
    const world = await notifyWorld(smtpEnv(), [base, web, db], {
      configure: (config) => ({ ...config, mail: { ...config.mail!, policies: { '*': { builds: 'all' } } } }),
    });
    const cascade = 'rpm-cascade-1';
    const rpm: BuildCause = { ...CAUSES['rpm-update'], cascade };
    const parent: BuildCause = {
      kind: 'parent-rebuilt',
      message: 'parent centos/base:latest rebuilt because openssl 3.0.7-24.el9 → 3.0.7-25.el9 in repo baseos',
      parent: 'centos/base:latest',
      cascade,
    };
    const index: BuildCause = { kind: 'index-change', message: 'Update to build configurations', cascade };
    const builds = [
      await completedBuild(world.store, base, { buildId: '20261206T020000Z-b0b0b0b0b0', cause: rpm, digest: DIGESTS.base }),
      await completedBuild(world.store, web, { buildId: '20261206T020100Z-c0c0c0c0c0', cause: parent, earlier: [rpm], digest: DIGESTS.web }),
      await completedBuild(world.store, db, { buildId: '20261206T020200Z-d0d0d0d0d0', cause: index, digest: DIGESTS.db }),
    ];
    for (const build of builds) await handle(build, world.context);
    for (const [project, build] of [
      [base, builds[0]!],
      [web, builds[1]!],
      [db, builds[2]!],
    ] as const) {
      await completedScan(world.store, project, {
        buildId: build.data!.buildId,
        packages: { openssl: '3.0.7-25.el9' },
        updates: project === web ? ['zlib'] : [],
        eventId: `scan-${project.jobId}`,
      });
    }
    expect(smtp.mails).toHaveLength(0);

    await handle(noticeEvent(cascade, rpm, builds.map(itemOf)), world.context);
    const mails = byRecipient(await smtp.waitFor(3));
    const text = (to: string): string => mails[to]![0]!.parsed.text ?? '';

    expect(text('platform@example.org')).toMatch(/Cause of build: +RPM updates: openssl 3\.0\.7-24\.el9 → 3\.0\.7-25\.el9 in repo baseos\r?\n/);
    expect(text('platform@example.org')).toMatch(
      /centos\/base:latest: what changed\r?\n-+\r?\n- openssl 3\.0\.7-24\.el9 → 3\.0\.7-25\.el9 in repo baseos\r?\n/,
    );

    const dev = text('dev@team.example.org');
    expect(dev).toMatch(
      /Cause of build: +Parent container image centos\/base:latest is rebuilt because openssl 3\.0\.7-24\.el9 → 3\.0\.7-25\.el9 in repo baseos\r?\n/,
    );
    expect(dev).toMatch(/Started by: +RPM updates: openssl/);
    expect(dev).toContain(`- Parent image centos/base:latest was rebuilt: ${REGISTRY}/centos/base:latest@${DIGESTS.base}`);
    expect(dev).toMatch(/Commit: +1a2b3c4d5e6f\r?\n/);
    expect(dev).toMatch(/Branch: +main\r?\n/);
    expect(dev).toContain('[warning] line 1 DL3006: Always tag the version of an image explicitly');
    expect(dev).toContain('team/web:latest scan: 1 update');
    expect(dev).toContain('/20261206T020100Z-c0c0c0c0c0/scan.html');

    const dba = text('dba@other.example.org');
    expect(dba).toMatch(/Cause of build: +Update to build configurations\r?\n/);
    expect(dba).toContain('- The index entry (index.d/other.yaml, line 14) changed; it now reads:');
    expect(dba).toContain('- git-url: https://git.example.org/other/db');
    expect(dba).toContain('- target-file: Dockerfile');
  });
});

describe('notify: first builds are mailed once, build and scan together', () => {
  async function firstBuilds(world: NotifyWorld, cascade: string): Promise<{ cause: BuildCause; builds: CloudEvent<BuildCompletedData>[] }> {
    const cause: BuildCause = { kind: 'first-build', message: 'First build of the container image', cascade };
    const builds = [
      await completedBuild(world.store, base, { buildId: '20261206T030000Z-e0e0e0e0e0', cause, digest: DIGESTS.base }),
      await completedBuild(world.store, web, { buildId: '20261206T030100Z-f0f0f0f0f0', cause, digest: DIGESTS.web }),
    ];
    for (const build of builds) await handle(build, world.context);
    return { cause, builds };
  }

  it('waits for a scan that ends after the notice, sends one mail per recipient with it, and no scan mail; redeliveries send nothing', async () => {
    const world = await notifyWorld(smtpEnv({ CCP_NOTICE_SCAN_WAIT: '30' }), [base, web]);
    const { builds } = await firstBuilds(world, 'index-first-1');
    const baseScan = await completedScan(world.store, base, {
      buildId: builds[0]!.data!.buildId,
      packages: { bash: '5.1.8-6.el9' },
      updates: [],
      eventId: 'scan-base',
    });
    await handle(baseScan, world.context);

    const notice = noticeEvent('index-first-1', { kind: 'manual', message: 'Requested with ccp run' }, builds.map(itemOf));
    const started = Date.now();
    const sending = handle(notice, world.context);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails).toHaveLength(0);
    const webScan = await completedScan(world.store, web, {
      buildId: builds[1]!.data!.buildId,
      packages: { bash: '5.1.8-6.el9' },
      updates: ['bash'],
      high: ['cap_sys_admin on /usr/bin/tool'],
      eventId: 'scan-web',
    });
    await handle(webScan, world.context);
    await sending;
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(5000);

    await handle(notice, world.context);
    await handle(webScan, world.context);
    await handle(baseScan, world.context);
    await settle();
    const mails = byRecipient(smtp.mails);
    expect(Object.keys(mails).sort()).toEqual(['dev@team.example.org', 'platform@example.org']);
    expect(smtp.mails).toHaveLength(2);
    const dev = mails['dev@team.example.org']![0]!;
    expect(dev.parsed.subject).toEqual(`[${REGISTRY}] SUCCESS: Container build team/web:latest`);
    expect(dev.parsed.text).toMatch(/Cause of build: +First build: new index entry\r?\n/);
    expect(dev.parsed.text).toContain('team/web:latest scan: 1 update, 1 high finding');
    expect(dev.parsed.text).toContain('/20261206T030100Z-f0f0f0f0f0/scan.html');
    expect(dev.parsed.text).not.toContain('Scans missing');
    expect(mails['platform@example.org']![0]!.parsed.text).toContain('centos/base:latest scan: no findings');
  });

  it('after the time limit sends what is there, names the missing scan, and mails that scan on its own when it ends', async () => {
    const world = await notifyWorld(smtpEnv({ CCP_NOTICE_SCAN_WAIT: '1' }), [base, web]);
    const { builds } = await firstBuilds(world, 'index-first-2');
    await handle(
      await completedScan(world.store, base, { buildId: builds[0]!.data!.buildId, packages: { bash: '5.1.8-6.el9' }, updates: [], eventId: 'scan-base-2' }),
      world.context,
    );
    const notice = noticeEvent('index-first-2', { kind: 'first-build', message: 'First build of the container image' }, builds.map(itemOf));
    await handle(notice, world.context);
    const sent = byRecipient(await smtp.waitFor(2));
    const dev = sent['dev@team.example.org']![0]!.parsed.text ?? '';
    expect(dev).toMatch(/Scans missing: +team\/web:latest \(not finished after 1 s; each is mailed on its own when it ends\)\r?\n/);
    expect(dev).toContain('The scan had not finished after 1 s; it is mailed on its own when it ends.');
    expect(sent['platform@example.org']![0]!.parsed.text).toContain('centos/base:latest scan: no findings');
    expect((await readNoticeWait(world.store, 'index-first-2'))?.missing).toEqual([builds[1]!.data!.buildId]);

    const late = await completedScan(world.store, web, {
      buildId: builds[1]!.data!.buildId,
      packages: { bash: '5.1.8-6.el9' },
      updates: ['bash'],
      eventId: 'scan-web-2',
    });
    await handle(late, world.context);
    await handle(notice, world.context);
    await settle();
    expect(smtp.mails).toHaveLength(3);
    expect(smtp.mails[2]!.envelopeTo).toEqual(['dev@team.example.org']);
    expect(smtp.mails[2]!.parsed.subject).toEqual(`[${REGISTRY}] team/web:latest scan: 1 update`);
  });

  it('mails a first build by its own cause even in a cascade of configuration updates, which alone would be quiet', async () => {
    const world = await notifyWorld(smtpEnv({ CCP_NOTICE_SCAN_WAIT: '0' }), [base, web]);
    const cascade = 'index-mixed-1';
    const update: BuildCause = { kind: 'index-change', message: 'Update to build configurations', cascade };
    const changed = await completedBuild(world.store, base, { buildId: '20261206T050000Z-b1b1b1b1b1', cause: update, digest: DIGESTS.base });
    const added = await completedBuild(world.store, web, {
      buildId: '20261206T050100Z-c1c1c1c1c1',
      cause: { kind: 'first-build', message: 'x', cascade },
      digest: DIGESTS.web,
    });
    for (const build of [changed, added]) await handle(build, world.context);
    await handle(noticeEvent(cascade, update, [itemOf(changed), itemOf(added)]), world.context);
    await settle();
    expect(smtp.mails.map((mail) => mail.envelopeTo)).toEqual([['dev@team.example.org']]);
    expect(smtp.mails[0]!.parsed.text).toMatch(/Cause of build: +First build: new index entry\r?\n/);
  });

  it('a redelivered notice keeps the first deadline instead of waiting again', async () => {
    const world = await notifyWorld(smtpEnv({ CCP_NOTICE_SCAN_WAIT: '2' }), [base]);
    const cause: BuildCause = { kind: 'first-build', message: 'x', cascade: 'index-first-3' };
    const build = await completedBuild(world.store, base, { buildId: '20261206T040000Z-a1a1a1a1a1', cause, digest: DIGESTS.base });
    await handle(build, world.context);
    const notice = noticeEvent('index-first-3', cause, [itemOf(build)]);
    const first = Date.now();
    await handle(notice, world.context);
    expect(Date.now() - first).toBeGreaterThanOrEqual(1900);
    const again = Date.now();
    await handle(makeEvent(EventTypes.noticeRequested, notice.data!, { source: '/ccp/dispatch', id: 'notice/index-first-3' }), world.context);
    expect(Date.now() - again).toBeLessThan(1000);
    await settle();
    expect(smtp.mails).toHaveLength(1);
  });
});

import { handle } from '../../functions/notify/handle';
import { CAUSES, completedBuild, completedScan, entry, notifyWorld, REGISTRY } from './notify-fixture';
import { bareLineFeeds, mimeParts } from './mime-parts';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from './smtp-sink';

// What owners read, through a real SMTP server (smtp-server on 127.0.0.1): the raw message as
// it arrived, its decoded parts, and what a mail client shows.
const web = entry('team', 'web', ['dev@team.example.org']);
const SMTP_PASSWORD = 'smtp-Pa55word-xyz';

let smtp: SmtpSink;
beforeEach(async () => {
  smtp = await startSmtpSink();
});
afterEach(async () => {
  await smtp.close();
});

function smtpEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return smtpEnvOf(smtp, { CCP_SMTP_USER: 'ccp', CCP_SMTP_PASSWORD: SMTP_PASSWORD, ...extra });
}

const LINT = [
  { code: 'DL3006', level: 'warning', message: 'Always tag the version of an image explicitly', line: 1, column: 1, file: 'docker/Dockerfile' },
  {
    code: 'SC2086',
    level: 'info',
    message: `Double quote <b>$x</b> to prevent globbing\nand word splitting; ${SMTP_PASSWORD}`,
    line: 7,
    column: 1,
    file: 'docker/Dockerfile',
  },
  { code: 'DL3020', level: 'error', message: 'Use COPY instead of ADD for files and folders', line: 4, column: 1, file: 'docker/Dockerfile' },
];

describe('notify: a build mail as owners read it', () => {
  it('names repository, branch, Dockerfile and commit, and summarises the lint with lines, rules and messages, escaped and redacted', async () => {
    const world = await notifyWorld(smtpEnv(), [web]);
    await handle(
      await completedBuild(world.store, web, { buildId: '20261206T010000Z-1010101010', status: 'failed', reason: 'RUN exited with 1\nat line 5', lint: LINT }),
      world.context,
    );
    const [mail] = await smtp.waitFor(1);
    const text = mail!.parsed.text ?? '';
    const html = typeof mail!.parsed.html === 'string' ? mail!.parsed.html : '';
    expect(text).toMatch(/Repository: +https:\/\/git\.example\.org\/team\/web\r?\n/);
    expect(text).toMatch(/Branch: +main\r?\n/);
    expect(text).toMatch(/Dockerfile: +docker\/Dockerfile\r?\n/);
    expect(text).toMatch(/Commit: +1a2b3c4d5e6f\r?\n/);
    expect(text).toMatch(/Findings: +1 error, 1 warning, 1 info, 0 style\r?\n/);
    const findings = text.split(/\r?\n/).filter((line) => /^- \[(error|warning|info)\]/.test(line));
    expect(findings).toEqual([
      '- [error] line 4 DL3020: Use COPY instead of ADD for files and folders',
      '- [warning] line 1 DL3006: Always tag the version of an image explicitly',
      '- [info] line 7 SC2086: Double quote <b>$x</b> to prevent globbing and word splitting; ***',
    ]);
    expect(html).toContain('<li>[info] line 7 SC2086: Double quote &lt;b&gt;$x&lt;/b&gt; to prevent globbing and word splitting; ***</li>');
    expect(html).not.toContain('<b>$x</b>');
    expect(`${mail!.raw}${text}${html}`).not.toContain(SMTP_PASSWORD);
  });

  it('says what a git push changed', async () => {
    const world = await notifyWorld(smtpEnv(), [web], {
      configure: (config) => ({ ...config, mail: { ...config.mail!, policies: { team: { builds: 'all' } } } }),
    });
    await handle(await completedBuild(world.store, web, { buildId: '20261206T010100Z-2020202020', cause: CAUSES['git-push'] }), world.context);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.text).toContain('- Commit 1a2b3c4d on branch main of https://git.example.org/team/web');
  });
});

describe('notify: line ends', () => {
  it('sends headers, the text part and the HTML part with CRLF only, even for a reason with bare line feeds', async () => {
    const world = await notifyWorld(smtpEnv({ CCP_MAIL_CC: 'ops@pipeline.example.org' }), [web]);
    await handle(
      await completedBuild(world.store, web, {
        buildId: '20261206T010200Z-3030303030',
        status: 'failed',
        reason: 'first line\nsecond line\rthird line',
        lint: LINT,
      }),
      world.context,
    );
    const [mail] = await smtp.waitFor(1);
    expect(bareLineFeeds(mail!.raw)).toEqual(0);
    const parts = mimeParts(mail!.raw);
    expect(parts.map((part) => part.contentType)).toEqual(['text/plain', 'text/html']);
    for (const part of parts) {
      expect(bareLineFeeds(part.body)).toEqual(0);
      expect(part.body.split('\r\n').length).toBeGreaterThan(10);
    }
    expect(parts[0]!.body).toContain('Reason:');
    expect(parts[0]!.body).toContain('first line\r\nsecond line\r\nthird line');
  });
});

describe('notify: a scan mail', () => {
  it.each([
    [['openssl', 'bash', 'zlib'], ['cap_sys_admin on /usr/bin/tool'], 'SUCCESS', '3 updates, 1 high finding'],
    [['openssl'], [], 'SUCCESS', '1 update'],
    [[], [], 'SUCCESS', 'no findings'],
  ])('with updates %j and high findings %j: the subject says what was found', async (updates, high, _status, found) => {
    const world = await notifyWorld(smtpEnv(), [web]);
    await handle(
      await completedScan(world.store, web, {
        buildId: '20261206T010300Z-4040404040',
        packages: { bash: '5.1.8-6.el9' },
        updates,
        high,
        eventId: `scan-${updates.length}`,
      }),
      world.context,
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.parsed.subject).toEqual(`[${REGISTRY}] team/web:latest scan: ${found}`);
    expect(mail!.parsed.subject).not.toContain('SUCCESS');
    expect(mail!.parsed.text).toMatch(new RegExp(`Found: +${found.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r?\\n`));
  });
});

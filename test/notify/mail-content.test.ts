import { handle } from '../../functions/notify/handle';
import { CAUSES, completedBuild, completedScan, entry, notifyWorld, refOf, REGISTRY } from './notify-fixture';
import { bareLineFeeds, mimeParts } from './mime-parts';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from './smtp-sink';
import { buildSbom } from '../../functions/scan/reports/cyclonedx';
import { storeScanReports } from '../../functions/scan/reports/store-reports';
import { makeEvent } from '../../shared/events/make';
import { EventTypes } from '../../shared/events/types';
import type { ScanCompletedData } from '../../shared/events/contracts/scan-completed';
import { buildScanReport } from '../../shared/reports/scan-report';
import type { ScanFinding } from '../../shared/reports/scanner-types';
import type { ObjectStore } from '../../shared/store/types';
import { vulnerabilitiesOf } from '../../shared/reports/vulnerabilities';
import { VULNERABILITY_FINDINGS, VULNERABILITY_RUN } from '../../shared/reports/__fixtures__/vulnerability-run';

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

/** scan.json, scan.html and sbom.cdx.json as the scan function writes them (its own writers), and the scan's `scan.completed`. */
async function realScan(store: ObjectStore, eventId: string, findings: ScanFinding[]) {
  const ref = refOf(web);
  const image = { ref: `${REGISTRY}/team/web:latest`, digest: `sha256:${'ef'.repeat(32)}` };
  const packages = [
    { ecosystem: 'pypi' as const, name: 'requests', version: '2.28.0', purl: 'pkg:pypi/requests@2.28.0' },
    { ecosystem: 'pypi' as const, name: 'urllib3', version: '1.26.0', purl: 'pkg:pypi/urllib3@1.26.0' },
  ];
  const report = buildScanReport({
    scanId: eventId,
    image,
    project: ref,
    scannedAt: '2026-12-06T01:00:00.000Z',
    durationMs: 100,
    runs: [
      { ...VULNERABILITY_RUN, result: { ...VULNERABILITY_RUN.result, findings } },
      {
        scanner: { id: 'pip-updates', version: '1.0.0', description: 'Python packages.' },
        startedAt: '2026-12-06T01:00:00.000Z',
        durationMs: 1,
        result: { status: 'ok', findings: [], packages },
      },
    ],
  });
  const sbom = buildSbom({ image, packages, timestamp: report.scannedAt, scanId: eventId, vulnerabilities: vulnerabilitiesOf(report) });
  const reports = await storeScanReports(store, ref, `weekly-${eventId}`, report, sbom);
  const scanners = Object.fromEntries(
    Object.values(report.scanners).map((scanner) => [scanner.id, { status: scanner.status, findings: scanner.findings.length }]),
  );
  const data: ScanCompletedData = { project: ref, image, scanners, reports };
  return makeEvent(EventTypes.scanCompleted, data, { source: '/ccp/scan', id: eventId });
}

describe('notify: the vulnerabilities of a scan mail', () => {
  const critical = VULNERABILITY_FINDINGS.find((finding) => finding.details.advisory === 'PYSEC-2099-1')!;
  const before = VULNERABILITY_FINDINGS.filter((finding) => finding !== critical);

  it('shows an advisory new since the previous scan first, then the counts and the others at or above medium, escaped', async () => {
    const world = await notifyWorld(smtpEnv(), [web]);
    await handle(await realScan(world.store, 'weekly-1', before), world.context);
    await handle(await realScan(world.store, 'weekly-2', VULNERABILITY_FINDINGS), world.context);
    const [first, second] = await smtp.waitFor(2);
    const text = second!.parsed.text ?? '';
    const html = typeof second!.parsed.html === 'string' ? second!.parsed.html : '';
    expect(first!.parsed.text).not.toContain('New since the previous scan');
    const order = [
      'New since the previous scan: 1 advisory',
      'critical 9.8 PYSEC-2099-1',
      'Vulnerabilities: 5 advisories',
      'high 8.7 GHSA-aaaa-bbbb-cccc',
      'Scanners',
    ];
    expect(order.map((part) => text.indexOf(part))).toEqual([...order.map((part) => text.indexOf(part))].sort((a, b) => a - b));
    expect(order.every((part) => text.includes(part))).toBe(true);
    expect(text).toMatch(/By severity: +1 critical, 1 high, 1 medium, 1 low, 1 unknown\r?\n/);
    expect(text).toMatch(/By status: +1 FIXABLE NOW, 2 fix upstream only, 2 no fix\r?\n/);
    expect(text).toContain('- 2 below medium not listed (see the scan page)');
    expect(text).not.toContain('PYSEC-2099-2');
    expect(html).toContain(
      '<li><strong>medium 4.2 GHSA-j8r2-6x86-q33q (CVE-2023-32681) in requests 2.28.0: FIXABLE NOW: 2.31.0 — Unintended leak of Proxy-Authorization header</strong></li>',
    );
    expect(html).toContain('Remote code execution &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it.each([
    ['critical', ['PYSEC-2099-1'], '4 below critical'],
    ['all', ['PYSEC-2099-1', 'GHSA-aaaa-bbbb-cccc', 'GHSA-j8r2-6x86-q33q', 'PYSEC-2099-2', 'OSV-2099-3'], null],
  ])('with CCP_MAIL_VULNERABILITY_SEVERITY=%s lists %j', async (threshold, listed, below) => {
    const world = await notifyWorld(smtpEnv({ CCP_MAIL_VULNERABILITY_SEVERITY: threshold }), [web]);
    await handle(await realScan(world.store, 'weekly-1', VULNERABILITY_FINDINGS), world.context);
    const [mail] = await smtp.waitFor(1);
    const text = mail!.parsed.text ?? '';
    const shown = ['PYSEC-2099-1', 'GHSA-aaaa-bbbb-cccc', 'GHSA-j8r2-6x86-q33q', 'PYSEC-2099-2', 'OSV-2099-3'].filter((id) => text.includes(`${id} `));
    expect(shown).toEqual(listed);
    expect(text.includes('below')).toBe(below !== null);
    if (below) expect(text).toContain(below);
  });
});

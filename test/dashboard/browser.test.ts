import { access, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CloudEvent } from 'cloudevents';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { serveRuntime } from '../../cli/serve-runtime';
import { BuildRecords } from '../../shared/builds/records';
import { LogStreamer } from '../../shared/builds/log-streamer';
import type { RunningServer } from '../../shared/host/listen';
import { silentLogger } from '../../shared/log/logger';
import { deadLetterRecord, storeDeadLetter } from '../../shared/runtime/dead-letter';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { CASCADE_ID, ENTRIES, HTTPD_BUILD, INDEX, WEB_BUILD, writeScenario } from '../../functions/dashboard/__fixtures__/scenario';
import { buildRequested, testContext } from '../support/test-functions';

/**
 * The dashboard in a real browser: Debian's chromium (installed by `scripts/install-deps.sh
 * test`), driven by playwright-core, against the runtime `ccp serve` starts on 127.0.0.1, over a
 * store filled by the pipeline's own writers (functions/dashboard/__fixtures__/scenario.ts).
 * Each page is checked by axe-core and saved as a screenshot under .ccp/test-artifacts/dashboard/.
 * One browser for the whole file: starting it is the slow part.
 * @see ../../README.md#dashboard
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', '.ccp', 'test-artifacts', 'dashboard');
const DOCS_IMAGES = path.join(__dirname, '..', '..', 'docs', 'images');
/** Set to copy the screenshots into docs/images (`CCP_UPDATE_DOCS_IMAGES=1 npx jest test/dashboard/browser.test.ts`). */
const UPDATE_DOCS = process.env.CCP_UPDATE_DOCS_IMAGES === '1';
/** CCP_DASHBOARD_ADMIN_TOKEN of the served runtime: with it, /admin offers "send again". */
const ADMIN_TOKEN = 'dashboard-admin-token-0123456789';
/** The event the dead letter of the scenario holds: a build request the build function never took. */
// A fixed time, so the admin page's screenshot is the same on every run.
const LOST = buildRequested('lost-1', '/ccp/dispatch', { appId: 'centos', jobId: 'httpd-24-centos7', desiredTag: 'latest' }).cloneWith({
  time: '2026-12-01T09:59:00.000Z',
});
const AXE_SOURCE = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** What axe-core reports of one rule the page breaks. */
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** The serious and critical violations axe-core finds on `page`, one line each (empty when none). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not an inline <script> (addScriptTag): the page's CSP
  // (script-src 'self') stays enforced, so the live log is tested under the policy it ships with.
  await page.evaluate(await AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // The whole document (axe's default context); the test's tsconfig has no DOM types.
    const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
}

/** Saves the page as a test artefact and, when asked, as the docs' picture of it. */
async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (UPDATE_DOCS) await copyFile(file, path.join(DOCS_IMAGES, `dashboard-${name}.png`));
}

/** The project names of the projects table, in order, and the status shown in each row. */
async function projectRows(page: Page): Promise<Array<[string, string]>> {
  return page.$$eval('table tbody tr', (rows) =>
    rows.map((row): [string, string] => [
      row.querySelector('th[scope="row"]')?.textContent?.trim() ?? '',
      row.querySelector('td')?.textContent?.trim().split(/\s+/)[0] ?? '',
    ]),
  );
}

describe('the dashboard in a real browser (chromium, axe-core, the ccp serve runtime)', () => {
  const store = new TempObjectStore();
  let server: RunningServer;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let deadLetterKey: string;
  /** Every event the runtime's broker accepted (its own observer hook), in order. */
  const published: CloudEvent<unknown>[] = [];

  beforeAll(async () => {
    // playwright-core never downloads a browser: without Debian's, say how to get it.
    await access(CHROMIUM).catch(() => {
      throw new Error(`${CHROMIUM} is missing: run scripts/install-deps.sh test (as root) to install Debian's chromium`);
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await writeScenario(store);
    deadLetterKey = await storeDeadLetter(
      store,
      deadLetterRecord({
        trigger: 'build',
        functionName: 'build',
        stage: 'delivery',
        event: LOST,
        error: new Error('registry unreachable'),
        attempts: 5,
        time: new Date('2026-12-01T10:00:00.000Z'),
      }),
    );
    const base = testContext(store);
    const functionContext = { ...base, config: { ...base.config, dashboardAdminToken: ADMIN_TOKEN }, listProjects: () => Promise.resolve(INDEX) };
    const broker = new InProcessBroker({ routes: [], functions: [], context: functionContext, store });
    broker.on('event', ({ event }) => published.push(event));
    server = await serveRuntime({ broker, context: functionContext }, { port: 0, log: silentLogger, ingressToken: 'dashboard-browser-token-0123456789' });
    profile = await mkdtemp(path.join(tmpdir(), 'ccp-chromium-'));
    // A fresh profile each run: launchPersistentContext is how playwright takes a user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1200, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await rm(store.inner.root, { recursive: true, force: true });
  });

  it('has axe-core find a serious violation where there is one (the check below can fail)', async () => {
    await page.setContent('<!doctype html><html lang="en"><title>broken</title><main><img src="data:,"><button></button></main></html>');
    expect((await seriousViolations(page)).map((line) => line.split(':')[0])).toEqual(['critical button-name', 'critical image-alt']);
  });

  it('lists every project with its real status, failing first, and filters by status and text through the form', async () => {
    await page.goto(`${server.url}/`);
    const all = await projectRows(page);
    const violations = await seriousViolations(page);
    await screenshot(page, 'projects');

    await page.selectOption('#filter-status', 'succeeded');
    await Promise.all([page.waitForURL(/status=succeeded/), page.press('#filter-q', 'Enter')]);
    const succeeded = await projectRows(page);
    await page.selectOption('#filter-status', '');
    await page.fill('#filter-q', 'httpd');
    await Promise.all([page.waitForURL(/q=httpd/), page.press('#filter-q', 'Enter')]);
    const text = await projectRows(page);

    expect({ all, succeeded, text, violations }).toEqual({
      all: [
        ['centos/httpd-24-centos7:latest', 'failed'],
        ['apps/team/web:1.0', 'running'],
        ['tools/idle:latest', 'never'],
        ['centos/centos:7', 'succeeded'],
        ['evil/x:latest', 'succeeded'],
      ],
      succeeded: [
        ['centos/centos:7', 'succeeded'],
        ['evil/x:latest', 'succeeded'],
      ],
      text: [['centos/httpd-24-centos7:latest', 'failed']],
      violations: [],
    });
  });

  it('shows a project’s lint findings by line, the mails sent about it, and the links to its scan report, SBOM and SARIF', async () => {
    await page.goto(`${server.url}/projects/centos/httpd-24-centos7/latest`);
    const findings = await page.$$eval('section[aria-labelledby="lint-heading"] tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent?.trim() ?? '')),
    );
    // The cascade's notice notify recorded: its subject, recipient, state and a link that opens the build log.
    const mails = await page.$$eval('section[aria-labelledby="mails-heading"] tbody tr', (rows) =>
      rows.map((row) => [
        row.querySelector('th')?.firstChild?.textContent?.trim() ?? '',
        row.querySelector('li')?.textContent?.trim() ?? '',
        row.querySelector('td:last-child')?.textContent?.trim() ?? '',
        [...row.querySelectorAll('a')].map((anchor) => anchor.textContent?.trim() ?? ''),
      ]),
    );
    const mailLog = await page.request.get(`${server.url}/reports/centos/httpd-24-centos7/latest/${HTTPD_BUILD}/build.log`);
    const violations = await seriousViolations(page);
    await screenshot(page, 'project');
    await page.goto(`${server.url}/projects/centos/centos/7`);
    const links = await page.$$eval('main a', (anchors) => anchors.map((anchor) => anchor.textContent?.trim() ?? ''));
    const scanned = await page.$$eval('main a[href^="/reports/"]', (anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
    const reports = await Promise.all(scanned.map(async (href) => (await page.request.get(`${server.url}${href}`)).status()));
    violations.push(...(await seriousViolations(page)));

    expect({
      lines: findings.map((finding) => finding[0]),
      levels: [...new Set(findings.map((finding) => finding[1]))].sort(),
      links: ['Scan report', 'scan.json', 'SBOM (CycloneDX)', 'lint.json', 'SARIF'].filter((link) => links.includes(link)),
      reports: reports.every((status) => status === 200) && reports.length > 0,
      mails,
      mailLog: mailLog.status(),
      violations,
    }).toEqual({
      mails: [
        [
          '[registry.example.org] FAILED: Container build centos/httpd-24-centos7:latest and 1 more',
          'team@example.org sent',
          'sent',
          [HTTPD_BUILD, CASCADE_ID, 'Build log', 'Lint report'],
        ],
      ],
      mailLog: 200,
      lines: ['1', '2', '3', '3', '3'],
      levels: ['warning'],
      links: ['Scan report', 'scan.json', 'SBOM (CycloneDX)', 'lint.json', 'SARIF'],
      reports: true,
      violations: [],
    });
  });

  it('grows a running build’s log on screen as the build’s log writer appends lines (Server-Sent Events)', async () => {
    const records = new BuildRecords(store);
    const running = (await records.get(ENTRIES.web, WEB_BUILD))!;
    const before = (await store.get(running.links.log))!.body.toString('utf8');
    await page.goto(`${server.url}/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log`);
    const shown = (await page.textContent('#log'))?.trim();
    await page.locator('#log-state', { hasText: 'Following' }).waitFor({ timeout: 10_000 });
    const violations = await seriousViolations(page);

    // The build function's own writer: it rewrites the whole log object with each flush.
    const log = new LogStreamer({ store, key: running.links.log, secrets: [], intervalMs: 0 });
    log.write(before);
    log.write('==> build\nSTEP 1/2: FROM centos\n');
    await log.flush();
    await page.locator('#log', { hasText: 'STEP 1/2' }).waitFor({ timeout: 10_000 });
    log.write('STEP 2/2: RUN make\n');
    await log.close();
    await records.update(running, { status: 'succeeded', timings: { ...running.timings, finishedAt: new Date().toISOString(), durationMs: 5000 } });
    await page.locator('#log', { hasText: 'STEP 2/2' }).waitFor({ timeout: 10_000 });
    await page.locator('#log-state', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'log');

    expect({ shown, grown: (await page.textContent('#log'))?.trim(), violations }).toEqual({
      shown: 'ccp build of apps/team/web:1.0\n==> checkout',
      grown: 'ccp build of apps/team/web:1.0\n==> checkout\n==> build\nSTEP 1/2: FROM centos\nSTEP 2/2: RUN make',
      violations: [],
    });
  });

  it('shows a cascade as a tree: each child under its parent, with its state', async () => {
    await page.goto(`${server.url}/cascades`);
    const violations = await seriousViolations(page);
    await screenshot(page, 'cascades');
    await Promise.all([page.waitForURL(new RegExp(`/cascades/${CASCADE_ID}$`)), page.click(`a[href="/cascades/${CASCADE_ID}"]`)]);
    violations.push(...(await seriousViolations(page)));
    await screenshot(page, 'cascade');
    // Each item's line: its state badge, then its name (strong, linked to its project).
    const children = await page.$$eval('main li', (items) => {
      const line = (item: (typeof items)[number]): string =>
        `${item.querySelector(':scope > a strong')?.textContent?.trim()} ${item.firstElementChild?.textContent?.trim()}`;
      return items
        .filter((item) => item.querySelector(':scope > ul'))
        .map((item) => ({ parent: line(item), children: [...item.querySelectorAll(':scope > ul > li')].map(line) }));
    });
    expect({ children, violations }).toEqual({
      children: [{ parent: 'centos/centos:7 origin', children: ['apps/team/web:1.0 requested', 'centos/httpd-24-centos7:latest failed'] }],
      violations: [],
    });
  });

  it('draws the dependency graph as one SVG node per project, named by its status, each node a link to its project', async () => {
    await page.goto(`${server.url}/graph`);
    const nodes = await page.$$eval('svg.graph a.node', (anchors) =>
      anchors.map((anchor) => [
        anchor.getAttribute('data-name') ?? '',
        anchor.getAttribute('class') ?? '',
        anchor.querySelector('title')?.textContent?.trim() ?? '',
      ]),
    );
    const edges = await page.$$eval('svg.graph path.edge', (paths) =>
      paths.map((edge) => `${edge.getAttribute('data-parent')} -> ${edge.getAttribute('data-child')}`),
    );
    const violations = await seriousViolations(page);
    await screenshot(page, 'graph');
    await Promise.all([
      page.waitForURL(/\/projects\/centos\/httpd-24-centos7\/latest$/),
      page.click('svg.graph a.node[data-name="centos/httpd-24-centos7:latest"]'),
    ]);
    const heading = (await page.textContent('h1'))?.trim();

    expect({ nodes: [...nodes].sort(), edges: [...edges].sort(), violations, heading }).toEqual({
      nodes: [
        // Running in the scenario; the live-log test above recorded it succeeded.
        ['apps/team/web:1.0', 'node graph-succeeded', 'apps/team/web:1.0: last build succeeded'],
        ['centos/centos:7', 'node graph-succeeded', 'centos/centos:7: last build succeeded'],
        ['centos/httpd-24-centos7:latest', 'node graph-failed', 'centos/httpd-24-centos7:latest: last build failed'],
        ['evil/x:latest', 'node graph-succeeded', 'evil/x:latest: last build succeeded'],
        ['tools/idle:latest', 'node graph-never', 'tools/idle:latest: last build never'],
      ],
      edges: ['centos/centos:7 -> apps/team/web:1.0', 'centos/centos:7 -> centos/httpd-24-centos7:latest'],
      violations: [],
      heading: expect.stringContaining('centos/httpd-24-centos7:latest'),
    });
  });

  it('lists a stored dead letter on /admin and sends it again once, through the broker, with the admin token typed in', async () => {
    await page.goto(`${server.url}/admin`);
    const rows = await page.$$eval('table tbody tr', (cells) => cells.map((row) => row.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    const key = await page.getAttribute('form input[name="key"]', 'value');
    const violations = await seriousViolations(page);
    await screenshot(page, 'admin');
    const before = published.length;
    await page.fill('form input[name="token"]', ADMIN_TOKEN);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/admin/dead-letters/resend')),
      page.click('form button[type="submit"]'),
    ]);
    await page.waitForLoadState();
    const answered = (await page.textContent('h1'))?.trim();
    const sent = published.slice(before).map((event) => [event.id, event.source, event.type, event.data]);
    await page.goto(`${server.url}/admin`);
    const after = await page.$$eval('table tbody tr', (cells) => cells.map((row) => row.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    violations.push(...(await seriousViolations(page)));

    expect({
      rows: rows.map((row) => ['lost-1', LOST.type, 'registry unreachable', '5 attempts'].filter((part) => row.includes(part))),
      key,
      status: answer.status(),
      answered,
      sent,
      resent: after.map((row) => /Sent again/.test(row)),
      forms: await page.locator('form input[name="key"]').count(),
      violations,
    }).toEqual({
      rows: [['lost-1', LOST.type, 'registry unreachable', '5 attempts']],
      key: deadLetterKey,
      status: 200,
      answered: expect.any(String),
      sent: [['lost-1', '/ccp/dispatch', LOST.type, LOST.data]],
      resent: [true],
      forms: 0,
      violations: [],
    });
  });
});

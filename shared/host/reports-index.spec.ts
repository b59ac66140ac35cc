import { rm } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { addFallbackHandlers, hardenResponses } from './http-common';
import { listen, type RunningServer } from './listen';
import { REPORT_CSP, reportRoutes } from './report-routes';
import type { ReportsIndexPage } from './reports-index';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The tags a page may hold; escaped text holds no `<`, so any other tag came from the store. */
const TAGS = new Set([
  '!DOCTYPE',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'h1',
  'p',
  'a',
  'main',
  'table',
  'tr',
  'th',
  'td',
  'code',
  'br',
  'span',
  'nav',
]);

/** Tags outside {@link TAGS}, event-handler attributes and script URLs in a page. */
function activeParts(html: string): string[] {
  const tags = [...html.matchAll(/<\/?([!\w]+)([^>]*)>/g)];
  return [
    ...tags.filter((tag) => !TAGS.has(tag[1]!)).map((tag) => tag[0]),
    ...tags.filter((tag) => /\son\w+\s*=|javascript:/i.test(tag[2]!)).map((tag) => tag[0]),
  ];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text: string): string => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);

async function fill(store: TempObjectStore): Promise<void> {
  const put = (key: string, value: unknown, contentType = 'application/json'): Promise<unknown> =>
    store.put(key, typeof value === 'string' ? value : JSON.stringify(value), { contentType });
  // hello: an older build that passed, then a newer one the lint blocked.
  await put('state/builds/sample/hello/latest/b-old.json', { status: 'succeeded', links: { log: 'x', lint: { json: 'y', sarif: 'z' } } });
  for (const file of ['lint.json', 'lint.sarif', 'build.log']) await put(`reports/sample/hello/latest/b-old/${file}`, '[]');
  await pause(20);
  await put('state/builds/sample/hello/latest/b-new.json', {
    status: 'failed',
    reason: 'blocked by lint: 2 errors (threshold error)',
    links: { log: 'x', lint: { json: 'y', sarif: 'z' } },
  });
  await put('reports/sample/hello/latest/b-new/lint.sarif', '{}', 'application/sarif+json');
  await put('reports/sample/hello/latest/b-new/lint.json', '[]');
  await pause(20);
  // web (a nested job id): built and scanned; the image state names this build's scan.
  await put('state/builds/sample/team/web/1.0/w1.json', { status: 'succeeded', links: { log: 'x', lint: { json: 'y', sarif: 'z' } } });
  for (const file of ['sbom.cdx.json', 'scan.json', 'scan.html', 'build.log', 'lint.sarif', 'lint.json'])
    await put(`reports/sample/team/web/1.0/w1/${file}`, '{}');
  await put('state/images/sample/team/web/1.0.json', {
    lastScan: {
      buildId: 'w1',
      at: '2026-12-01T00:00:00Z',
      verdict: 'findings',
      counts: { high: 0, medium: 2, low: 1, info: 0 },
      reports: { html: 'reports/sample/team/web/1.0/w1/scan.html' },
    },
  });
  await pause(20);
  // evil: hostile text in the record, a file name and the image state; a link that is no report.
  await put('state/builds/evil/job/latest/e1.json', { status: HOSTILE, reason: HOSTILE });
  await put(`reports/evil/job/latest/e1/${encodeURIComponent(HOSTILE)}`, 'x', 'text/plain');
  await put('reports/evil/job/latest/e1/build.log', 'x', 'text/plain');
  await put('state/images/evil/job/latest.json', {
    lastScan: { at: HOSTILE, verdict: HOSTILE, counts: { high: HOSTILE }, reports: { html: 'javascript:alert(3)' } },
  });
  // Not a build record of the layout: left out.
  await put('state/builds/loose.json', {});
}

describe('the reports index at /reports/', () => {
  const store = new TempObjectStore();
  let server: RunningServer;

  beforeAll(async () => {
    await fill(store);
    const app = express();
    hardenResponses(app);
    app.use(reportRoutes(store, { pageSize: 2 }));
    addFallbackHandlers(app, () => undefined);
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    await rm(path.dirname(store.locationOf('x')), { recursive: true, force: true });
  });

  it('lists the latest build of each project, newest first, in pages, from one listing and three reads per project', async () => {
    const before = { ...store.calls };
    const first = (await (await fetch(`${server.url}/reports/?format=json`)).json()) as ReportsIndexPage;
    const calls = { list: store.calls.list - before.list, get: store.calls.get - before.get };
    const second = (await (await fetch(`${server.url}/reports?page=2`, { headers: { accept: 'application/json' } })).json()) as ReportsIndexPage;
    expect([first.total, first.pages, first.projects.map((p) => [p.project, p.buildId]), second.projects.map((p) => [p.project, p.buildId]), calls]).toEqual([
      3,
      2,
      [
        ['evil/job:latest', 'e1'],
        ['sample/team/web:1.0', 'w1'],
      ],
      [['sample/hello:latest', 'b-new']],
      { list: 1 + 2, get: 2 * 2 },
    ]);
    expect(first.projects[1]).toEqual({
      project: 'sample/team/web:1.0',
      ref: { appId: 'sample', jobId: 'team/web', desiredTag: '1.0' },
      buildId: 'w1',
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      status: 'succeeded',
      lint: 'passed',
      scan: {
        buildId: 'w1',
        at: '2026-12-01T00:00:00Z',
        verdict: 'findings',
        counts: { high: 0, medium: 2, low: 1, info: 0 },
        html: { name: 'scan.html', key: 'reports/sample/team/web/1.0/w1/scan.html', path: '/reports/sample/team/web/1.0/w1/scan.html' },
      },
      files: ['lint.json', 'lint.sarif', 'build.log', 'scan.html', 'scan.json', 'sbom.cdx.json'].map((name) => ({
        name,
        key: `reports/sample/team/web/1.0/w1/${name}`,
        path: `/reports/sample/team/web/1.0/w1/${name}`,
      })),
    });
    expect(second.projects[0]).toMatchObject({ status: 'failed', lint: 'blocked', files: [{ name: 'lint.json' }, { name: 'lint.sarif' }] });
    expect(first.projects[0]).toMatchObject({ status: 'unknown', lint: 'unknown', scan: { verdict: 'unknown', counts: { high: 0 } } });
    expect(first.projects[0]!.scan!.html).toBeUndefined();
  });

  it.each([
    // Links: evil's 2 files and web's 6, JSON, the next page; hello's 2 files, JSON, the previous page.
    ['/reports/', 1, 10],
    ['/reports', 1, 10],
    ['/reports/?page=2', 2, 4],
  ])('serves %s as a page without script whose every link answers 200', async (target, page, links) => {
    const answer = await fetch(`${server.url}${target}`, { headers: { accept: 'text/html,*/*' } });
    const html = await answer.text();
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => unescape(match[1]!));
    const statuses = await Promise.all(hrefs.map(async (href) => (await fetch(new URL(href, `${server.url}${target}`))).status));
    expect({
      status: answer.status,
      type: answer.headers.get('content-type'),
      csp: answer.headers.get('content-security-policy'),
      nosniff: answer.headers.get('x-content-type-options'),
      active: activeParts(html),
      page: html.includes(`page ${page} of 2`),
      statuses: statuses.filter((status) => status !== 200),
    }).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: REPORT_CSP, nosniff: 'nosniff', active: [], page: true, statuses: [] });
    expect(hrefs.length).toEqual(links);
  });

  it('shows hostile text as text', async () => {
    const html = await (await fetch(`${server.url}/reports/`)).text();
    expect([html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;'), html.includes('javascript:')]).toEqual([
      true,
      false,
    ]);
  });

  it.each([
    ['/reports/?page=0', 400, 'page must be a whole number from 1'],
    ['/reports/?page=x', 400, 'page must be a whole number from 1'],
    ['/reports/?page=1&page=2', 400, 'page must be a whole number from 1'],
    ['/reports/?format=xml', 400, 'format must be json or html'],
  ])('answers %s with %i in JSON', async (target, status, error) => {
    const answer = await fetch(`${server.url}${target}`);
    expect([answer.status, answer.headers.get('content-type'), await answer.json()]).toEqual([status, 'application/json; charset=utf-8', { error }]);
  });

  it('answers a page past the end with no projects, and an empty store with a hint', async () => {
    const past = (await (await fetch(`${server.url}/reports/?page=9&format=json`)).json()) as ReportsIndexPage;
    const empty = new TempObjectStore();
    const app = express();
    app.use(reportRoutes(empty));
    const other = await listen(app);
    try {
      const html = await (await fetch(`${other.url}/reports/`)).text();
      const json = (await (await fetch(`${other.url}/reports/`, { headers: { accept: 'application/json' } })).json()) as ReportsIndexPage;
      expect([past.projects, html.includes('No builds yet'), json]).toEqual([
        [],
        true,
        { format: 'ccp.reports-index/v1', page: 1, pageSize: 50, total: 0, pages: 1, projects: [] },
      ]);
    } finally {
      await other.close();
      await rm(path.dirname(empty.locationOf('x')), { recursive: true, force: true });
    }
  });
});

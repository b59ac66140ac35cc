import { rm } from 'node:fs/promises';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { imageName } from '../../shared/index/types';
import { CASCADE_ID, ENTRIES, HOSTILE, HTTPD_BUILD, INDEX, WEB_BUILD, writeScenario } from './__fixtures__/scenario';
import { renderCascadePage, renderCascadesPage } from './cascade-pages';
import { renderLogPage } from './log-page';
import { renderProjectPage } from './project-page';
import { renderProjectsPage, selectProjects, type ProjectFilter } from './projects-page';
import { readBuild, readCascade, readCascadeSummaries, readProjectDetail, readProjectSummaries } from './read-model';

/** The text of a page without its tags, spaces collapsed: what a person reads. */
function textOf(page: string): string {
  return page
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The rows of the first table body, as the text of each row. */
function rowsOf(page: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => textOf(row[1]!));
}

describe('dashboard pages over a store the pipeline wrote', () => {
  const store = new TempObjectStore();
  beforeAll(() => writeScenario(store));
  afterAll(() => rm(store.inner.root, { recursive: true, force: true }));

  describe('projects', () => {
    it('reads each project’s last build, scan and lint', async () => {
      const summaries = await readProjectSummaries(store, INDEX);
      expect(
        summaries.map((summary) => ({
          name: summary.name,
          status: summary.status,
          build: summary.lastBuild?.buildId ?? null,
          scan: summary.scan
            ? {
                verdict: summary.scan.verdict,
                counts: summary.scan.counts,
                scanners: summary.scan.scanners.map((scanner) => `${scanner.id}:${scanner.status}`),
              }
            : null,
          lint: summary.lint ? { verdict: summary.lint.verdict, counts: summary.lint.counts } : null,
        })),
      ).toEqual([
        {
          name: 'centos/centos:7',
          status: 'succeeded',
          build: '20261201T090000Z-aaaa',
          scan: { verdict: 'high', counts: { high: 1, medium: 2, low: 0, info: 0 }, scanners: ['rpm-updates:ok', 'rpm-verify:ok', 'pip-outdated:failed'] },
          lint: { verdict: 'passed', counts: { error: 0, warning: 0, info: 0, style: 0 } },
        },
        {
          name: 'centos/httpd-24-centos7:latest',
          status: 'failed',
          build: HTTPD_BUILD,
          scan: null,
          lint: { verdict: 'failed', counts: { error: 0, warning: 5, info: 0, style: 0 } },
        },
        { name: 'apps/team/web:1.0', status: 'running', build: WEB_BUILD, scan: null, lint: null },
        { name: 'evil/x:latest', status: 'succeeded', build: '20261201T093000Z-eeee', scan: null, lint: null },
        { name: 'tools/idle:latest', status: 'never', build: null, scan: null, lint: null },
      ]);
    });

    it.each<[string, ProjectFilter, string[]]>([
      [
        'every project, failing first, then running, never built, succeeded',
        {},
        ['centos/httpd-24-centos7:latest', 'apps/team/web:1.0', 'tools/idle:latest', 'centos/centos:7', 'evil/x:latest'],
      ],
      ['the failed ones', { status: 'failed' }, ['centos/httpd-24-centos7:latest']],
      ['the never built ones', { status: 'never' }, ['tools/idle:latest']],
      ['a text in the name, any case', { q: 'HTTPD' }, ['centos/httpd-24-centos7:latest']],
      ['every word of the text, in names and causes', { q: 'centos 7' }, ['centos/httpd-24-centos7:latest', 'apps/team/web:1.0', 'centos/centos:7']],
      ['a text in the last cause', { q: 'owned' }, ['evil/x:latest']],
      ['status and text together', { status: 'succeeded', q: 'httpd' }, []],
    ])('selects %s', async (_name, filter, expected) => {
      const summaries = await readProjectSummaries(store, INDEX);
      expect(selectProjects(summaries, filter).map((summary) => summary.name)).toEqual(expected);
      const page = renderProjectsPage(summaries, filter);
      expect(rowsOf(page).map((row) => row.split(' ')[0])).toEqual(expected);
    });

    it('shows the last build, scan by severity and by scanner, and lint of each project', async () => {
      const rows = rowsOf(renderProjectsPage(await readProjectSummaries(store, INDEX), {}));
      expect(rows[0]).toEqual(
        'centos/httpd-24-centos7:latest failed 2026-12-01 09:05 UTC 0 ms parent centos/centos:7 rebuilt because git commit aaaaaaa to branch main of repo https://git.example.org/centos/centos.git blocked by lint: 5 findings at warning or above (threshold warning) – not scanned failed 5 warnings',
      );
      expect(rows[3]).toEqual(
        'centos/centos:7 succeeded 2026-12-01 09:01 UTC 1 min 05 s Git commit aaaaaaa to branch main of repo https://git.example.org/centos/centos.git sha256:111111111111… high 1 high, 2 medium rpm-updates 3 · rpm-verify 0 · pip-outdated failed passed no findings',
      );
      expect(rows[2]).toEqual('tools/idle:latest never never built – – – not scanned –');
    });

    it('escapes what users control, and keeps the filter’s own text as text', async () => {
      const page = renderProjectsPage(await readProjectSummaries(store, INDEX), { q: `"><script>x()</script>` });
      expect(page).not.toContain('<script>');
      expect(page).toContain('value="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"');
      const all = renderProjectsPage(await readProjectSummaries(store, INDEX), {});
      expect(all).not.toContain(HOSTILE);
      expect(all).toContain('requested by &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    });

    it('says when the index lists no project, rather than showing an empty table', () => {
      const page = renderProjectsPage([], {});
      expect([
        page.includes('<table'),
        page.includes('<p>The index lists no project: is one configured (<code>ccp serve --index DIR</code>, <code>CCP_INDEX</code>)?</p>'),
      ]).toEqual([false, true]);
    });

    it('has the landmarks, one heading, a labelled form and table headers', async () => {
      const page = renderProjectsPage(await readProjectSummaries(store, INDEX), { status: 'failed' });
      expect({
        lang: /<html lang="en">/.test(page),
        main: (page.match(/<main\b/g) ?? []).length,
        nav: /<nav aria-label="Dashboard">/.test(page),
        h1: (page.match(/<h1>/g) ?? []).length,
        labels: [...page.matchAll(/<label for="([^"]+)"/g)].map((match) => match[1]).every((id) => page.includes(`id="${id}"`)),
        columnHeaders: (page.match(/<th scope="col"/g) ?? []).length,
        rowHeaders: (page.match(/<th scope="row"/g) ?? []).length,
        selected: /<option value="failed" selected>/.test(page),
        current: /<a href="\/" aria-current="page">Projects<\/a>/.test(page),
        inlineScript: /<script(?![^>]*\bsrc=)/.test(page),
      }).toEqual({ lang: true, main: 1, nav: true, h1: 1, labels: true, columnHeaders: 8, rowHeaders: 1, selected: true, current: true, inlineScript: false });
    });
  });

  describe('a project', () => {
    it('lists builds newest first with their causes, cause chains, cascades and report links', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.httpd));
      const builds = /<h2 id="builds-heading">[\s\S]*<\/section>/.exec(page)![0];
      expect(rowsOf(builds)).toEqual([
        `${HTTPD_BUILD} failed blocked by lint: 5 findings at warning or above (threshold warning) 2026-12-01 09:05 UTC 0 ms parent-rebuilt: parent centos/centos:7 rebuilt because git commit aaaaaaa to branch main of repo https://git.example.org/centos/centos.git cascade after-20261201T090000Z-aaaa 1 earlier cause git-push: Git commit aaaaaaa to branch main of repo https://git.example.org/centos/centos.git – – Log · lint · SARIF`,
        '20261130T080000Z-bbbb succeeded 2026-11-30 08:00 UTC 30.0 s git-push: Git commit 1111111 to branch main of repo https://git.example.org/centos/httpd.git – – Log',
      ]);
      expect(builds).toContain('href="/cascades/after-20261201T090000Z-aaaa"');
      expect(builds).toContain(`href="/projects/centos/httpd-24-centos7/latest/builds/${HTTPD_BUILD}/log"`);
      expect(builds).toContain(`href="/reports/centos/httpd-24-centos7/latest/${HTTPD_BUILD}/lint.sarif"`);
    });

    it('shows the lint findings with their line numbers, from the real linter’s report', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.httpd));
      const lint = /<h2 id="lint-heading">[\s\S]*?<\/section>/.exec(page)![0];
      expect(rowsOf(lint).map((row) => row.split(' ').slice(0, 3).join(' '))).toEqual([
        '1 warning DL3006',
        '2 warning DL3002',
        '3 warning DL3003',
        '3 warning DL3032',
        '3 warning DL3033',
      ]);
      expect(lint).toContain(`href="/reports/centos/httpd-24-centos7/latest/${HTTPD_BUILD}/lint.json"`);
    });

    it('shows the last scan by scanner with the report, SBOM and JSON links', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.base));
      const scan = /<h2 id="scan-heading">[\s\S]*?<\/section>/.exec(page)![0];
      expect(rowsOf(scan)).toEqual(['rpm-updates ok 1 2 0 0', 'rpm-verify ok 0 0 0 0', 'pip-outdated failed pip not found 0 0 0 0']);
      expect([...scan.matchAll(/href="([^"]+)"/g)].map((match) => match[1])).toEqual([
        '/reports/centos/centos/7/20261201T090000Z-aaaa/scan.html',
        '/reports/centos/centos/7/20261201T090000Z-aaaa/scan.json',
        '/reports/centos/centos/7/20261201T090000Z-aaaa/sbom.cdx.json',
      ]);
    });

    it('links a nested job id with each part of the path encoded', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.web));
      expect(page).toContain(`href="/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log">Log (live)</a>`);
    });

    it('lists the mails sent about it: when, what about, subject, recipients, the links through /reports/, the state', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.httpd));
      const mails = /<h2 id="mails-heading">[\s\S]*?<\/section>/.exec(page)![0];
      expect({
        caption: /<caption>([^<]*)<\/caption>/.exec(mails)?.[1],
        rows: rowsOf(mails),
        links: [...mails.matchAll(/href="([^"]+)"/g)].map((match) => match[1]),
        older: mails.includes('Older mails'),
      }).toEqual({
        caption: '1 mail, newest first',
        rows: [
          `2026-12-01 09:06 UTC cascade notice build ${HTTPD_BUILD} cascade ${CASCADE_ID} [registry.example.org] FAILED: Container build centos/httpd-24-centos7:latest and 1 more f00dfeedf00dfeedf00d.0a0b0c0d@pipeline.example.org team@example.org sent Build log · Lint report sent`,
        ],
        links: [
          `/projects/centos/httpd-24-centos7/latest/builds/${HTTPD_BUILD}/log`,
          `/cascades/${CASCADE_ID}`,
          `/reports/centos/httpd-24-centos7/latest/${HTTPD_BUILD}/build.log`,
          `/reports/centos/httpd-24-centos7/latest/${HTTPD_BUILD}/lint.json`,
        ],
        older: false,
      });
    });

    it('says when no mail was sent about a project', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.base));
      expect(/<h2 id="mails-heading">Mails<\/h2>\n(.*)/.exec(page)?.[1]).toEqual('<p>No mail sent about it yet.</p>');
    });

    it('escapes every text of a hostile mail record and drops a link that is not http(s)', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.hostile));
      const mails = /<h2 id="mails-heading">[\s\S]*?<\/section>/.exec(page)![0];
      expect({
        raw: mails.includes(HOSTILE),
        javascript: /href="javascript:/i.test(mails),
        escaped: (mails.match(/&lt;script&gt;alert\(&quot;owned&quot;\)&lt;\/script&gt;/g) ?? []).length,
        state: textOf(mails).endsWith(
          'failed connect ECONNREFUSED <script>alert("owned")</script>'.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
        ),
      }).toEqual({ raw: false, javascript: false, escaped: 5, state: true });
    });

    it('escapes a hostile git URL, cause and reason', async () => {
      const page = renderProjectPage(await readProjectDetail(store, ENTRIES.hostile));
      expect(page).not.toContain(HOSTILE);
      expect(page).toContain('href="https://git.example.org/&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;.git"');
    });
  });

  describe('a build log', () => {
    it('shows a running build’s complete lines and follows the stream from where they end', async () => {
      const record = (await readBuild(store, ENTRIES.web, WEB_BUILD))!;
      const log = Buffer.from('ccp build of apps/team/web:1.0\n==> checkout\nhalf a li');
      const page = renderLogPage(record, log);
      expect(/<pre[^>]*>([\s\S]*?)<\/pre>/.exec(page)![1]).toEqual('ccp build of apps/team/web:1.0\n==&gt; checkout\n');
      expect(page).toContain(
        `data-stream="/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log/stream?from=${Buffer.byteLength('ccp build of apps/team/web:1.0\n==> checkout\n')}"`,
      );
      expect(page).toContain('<script src="/assets/follow-log.js" defer></script>');
    });

    it('shows an ended build’s whole log, escaped, with no stream and no script', async () => {
      const record = (await readBuild(store, ENTRIES.hostile, '20261201T093000Z-eeee'))!;
      const page = renderLogPage(record, (await store.get(record.links.log))!.body);
      expect({
        escaped: page.includes('echo &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;\n'),
        raw: page.includes(HOSTILE),
        stream: page.includes('data-stream'),
        script: page.includes('<script'),
      }).toEqual({
        escaped: true,
        raw: false,
        stream: false,
        script: false,
      });
    });
  });

  describe('cascades', () => {
    it('lists each cascade with its cause, origin and progress', async () => {
      const page = renderCascadesPage(await readCascadeSummaries(store));
      expect(rowsOf(page)).toEqual([
        'after-20261201T090000Z-aaaa parent-rebuilt: centos/centos:7 rebuilt because Git commit aaaaaaa to branch main of repo https://git.example.org/centos/centos.git centos/centos:7 1 origin, 1 requested, 1 failed 2026-12-01 09:05 UTC running',
      ]);
    });

    it('draws the cascade as a tree: the children under the origin, with their states and builds', async () => {
      const record = (await readCascade(store, 'after-20261201T090000Z-aaaa'))!;
      const page = renderCascadePage(record);
      const tree = /<ul class="tree"[^>]*>([\s\S]*)<\/ul>/.exec(page)![1]!;
      const outline = [...tree.matchAll(/<(ul)>|<\/(ul)>|<strong>([^<]+)<\/strong>/g)].map((match) => match[3] ?? (match[1] ? '[' : ']')).join(' ');
      expect(outline).toEqual('centos/centos:7 [ apps/team/web:1.0 centos/httpd-24-centos7:latest ]');
      const states = Object.fromEntries(record.items.map((item) => [item.name, item.status]));
      expect(states).toEqual({ 'centos/centos:7': 'origin', 'apps/team/web:1.0': 'requested', 'centos/httpd-24-centos7:latest': 'failed' });
      expect(textOf(page)).toContain('failed centos/httpd-24-centos7:latest batch 1 · build');
      for (const item of record.items.filter((candidate) => candidate.status !== 'origin')) expect(page).toContain(`<code>${item.buildId}</code>`);
      expect(record.items.map((item) => imageName(item.project)).sort()).toEqual(['apps/team/web:1.0', 'centos/centos:7', 'centos/httpd-24-centos7:latest']);
    });
  });
});

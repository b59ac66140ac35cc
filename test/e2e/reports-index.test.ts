import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '../../cli/commands/run';
import { prepareSample } from '../../cli/commands/sample';
import { main } from '../../cli/main';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import type { CliIo } from '../../cli/types';
import { removeStorage } from '../../functions/build/builders/local';
import { loadConfig } from '../../shared/config/config';
import { reportUrl } from '../../shared/host/report-routes';
import type { ReportsIndexPage } from '../../shared/host/reports-index';
import { silentLogger } from '../../shared/log/logger';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * A newcomer's path: `ccp run --once` on the sample index, then the door `ccp serve` starts on
 * the same data folder; the URL its "reports under" line prints lists every project's latest
 * build, and every link of that page opens.
 */
describe('the reports index after ccp run --once', () => {
  let dir: string;
  let served: ServedRuntime;
  let summary: RunSummary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-e2e-index-'));
    const { indexDir } = await prepareSample(path.join(dir, 'sample'));
    let out = '';
    const io: CliIo = { env: {}, cwd: process.cwd(), stdout: (text) => void (out += text), stderr: () => undefined };
    const code = await main(['--data-dir', path.join(dir, 'data'), 'run', '--index', indexDir, '--once', '--json'], io);
    if (code !== 0) throw new Error(`ccp run --once exited ${code}`);
    summary = JSON.parse(out) as RunSummary;
    // A registry address of its own, so that serving starts no second registry: nothing is built now.
    served = await startServedRuntime(loadConfig({ dataDir: path.join(dir, 'data'), registry: '127.0.0.1:9' }, {}), silentLogger, { port: 0 });
  }, 600_000);

  afterAll(async () => {
    await served?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('lists each project with its build, status, lint verdict, scan counts and report files', async () => {
    const answer = await fetch(reportUrl(served.server.url, 'reports/')!, { headers: { accept: 'application/json' } });
    const index = (await answer.json()) as ReportsIndexPage;
    const byProject = new Map(summary.projects.map((project) => [project.project, project]));
    expect(
      index.projects
        .map((entry) => [
          entry.project,
          entry.buildId === byProject.get(entry.project)?.buildId,
          entry.status,
          entry.lint,
          entry.scan?.buildId === entry.buildId,
          entry.files.map((file) => file.name),
        ])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(
      ['sample/base:latest', 'sample/hello:latest', 'sample/webapp:1.0'].map((name) => [
        name,
        true,
        'succeeded',
        'passed',
        true,
        ['lint.json', 'lint.sarif', 'build.log', 'scan.html', 'scan.json', 'sbom.cdx.json'],
      ]),
    );
  });

  it('serves a page at the printed URL whose every link answers 200', async () => {
    const url = reportUrl(served.server.url, 'reports/')!;
    const answer = await fetch(url);
    const html = await answer.text();
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!));
    const statuses = await Promise.all(hrefs.map(async (href) => [href, (await fetch(new URL(href, url))).status] as const));
    expect([answer.status, answer.headers.get('content-type'), hrefs.length, statuses.filter(([, status]) => status !== 200)]).toEqual([
      200,
      'text/html; charset=utf-8',
      3 * 6 + 1,
      [],
    ]);
  });
});

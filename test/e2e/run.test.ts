import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HTTP } from 'cloudevents';
import { prepareSample } from '../../cli/commands/sample';
import { type RunSummary } from '../../cli/commands/run';
import { serveRuntime } from '../../cli/serve-runtime';
import { main } from '../../cli/main';
import { startEmbeddedRuntime } from '../../cli/runtime';
import type { CliIo } from '../../cli/types';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { removeStorage } from '../../functions/build/builders/local';
import { createLocalRepo } from '../../shared/git/local-repo';
import { loadIndex } from '../../shared/index/load';
import { TEST_CHAOS } from '../crash/chaos';
import { silentLogger } from '../../shared/log/logger';
import { ingressAuthorization } from '../../shared/host/ingress-token';

function capture(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: { CCP_CHAOS: TEST_CHAOS, ...env },
    cwd: process.cwd(),
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

async function runOnce(dataDir: string, index: string, env: Record<string, string> = {}): Promise<{ code: number; summary: RunSummary; progress: string }> {
  const io = capture(env);
  const code = await main(['--data-dir', dataDir, 'run', '--index', index, '--once', '--json'], io);
  return { code, summary: JSON.parse(io.out) as RunSummary, progress: io.err };
}

describe('ccp run --once on the sample index', () => {
  let dir: string;
  let indexDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-e2e-'));
    ({ indexDir } = await prepareSample(path.join(dir, 'sample')));
  });
  afterAll(async () => {
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('lints every project, stores its reports and shows progress', async () => {
    const mailDir = path.join(dir, 'mail');
    const { code, summary, progress } = await runOnce(path.join(dir, 'data'), indexDir, { CCP_MAIL_TO_DIR: mailDir });
    expect(code).toEqual(0);
    expect(summary.index).toEqual({ location: indexDir, projects: 3, errors: 0, warnings: 0 });
    // Under CCP_CHAOS events come twice and out of order: still each image is built once and each recipient mailed once per subject.
    expect([...progress.matchAll(/^\s+(\S+) started: building /gm)].map((match) => match[1]).sort()).toEqual([
      'sample/base:latest',
      'sample/hello:latest',
      'sample/webapp:1.0',
    ]);
    const mails = await Promise.all(
      (await readdir(mailDir)).map(async (name) => (await readFile(path.join(mailDir, name), 'utf8')).split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ')),
    );
    const sent = mails.flatMap((head) => {
      const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
      return [.../[^\s<>,"]+@example\.com/g[Symbol.matchAll](/^To: (.*)$/im.exec(head)?.[1] ?? '')].map((to) => `${to[0]} | ${subject}`);
    });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((line, index) => sent.indexOf(line) !== index)).toEqual([]);
    expect(summary.projects.map((p) => [p.project, p.cause, p.lint.verdict])).toEqual([
      ['sample/base:latest', 'first-build', 'passed'],
      ['sample/hello:latest', 'first-build', 'passed'],
      ['sample/webapp:1.0', 'first-build', 'passed'],
    ]);
    expect(progress).toMatch(/\[3\/3\] lint /);
    expect(progress).toMatch(/\[3\/3\] build sample\/webapp:1\.0: succeeded/);
    expect(progress).toMatch(/sample\/base:latest prebuild: \.\/make-rootfs\.sh in base/);
    expect(summary.projects.map((p) => [p.project, p.build.status, p.build.image])).toEqual([
      ['sample/base:latest', 'succeeded', `${summary.registry}/sample/base:latest`],
      ['sample/hello:latest', 'succeeded', `${summary.registry}/sample/hello:latest`],
      ['sample/webapp:1.0', 'succeeded', `${summary.registry}/sample/webapp:1.0`],
    ]);
    for (const project of summary.projects) {
      expect(project.build.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await readFile(project.build.log!, 'utf8')).toContain(`ccp: build succeeded: ${project.build.image}@${project.build.digest}`);
    }
    const hello = summary.projects.find((p) => p.project === 'sample/hello:latest')!;
    const findings = JSON.parse(await readFile(hello.lint.reports!.json, 'utf8')) as { code: string; line: number; file: string }[];
    expect(findings.map((f) => `${f.file}:${f.line} ${f.code}`)).toEqual(expect.arrayContaining(['hello/Dockerfile:2 DL4000', 'hello/Dockerfile:4 DL3059']));
    const sarif = JSON.parse(await readFile(hello.lint.reports!.sarif, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(findings.length);
    expect(summary.deadLetters).toEqual([]);
  });

  it('scans every pushed image and counts what each scanner found', async () => {
    const { summary, progress } = await runOnce(path.join(dir, 'data'), indexDir);
    expect(progress).toMatch(/\[3\/3\] scan sample\/\S+: \d+ findings from \d+ scanners/);
    for (const project of summary.projects) {
      expect(project.scan.status).toEqual('completed');
      const counts = project.scan.counts!;
      const scanners = Object.values(project.scan.scanners!);
      expect(counts).toEqual({
        scanners: scanners.length,
        ok: scanners.filter((scanner) => scanner.status === 'ok').length,
        failed: 0,
        skipped: scanners.filter((scanner) => scanner.status === 'skipped').length,
        findings: scanners.reduce((sum, scanner) => sum + scanner.findings, 0),
      });
      expect(Object.keys(project.scan.scanners!)).toEqual(expect.arrayContaining(['rpm-updates', 'rpm-verify']));
      const report = JSON.parse(await readFile(project.scan.reports!.json, 'utf8')) as { image: { digest: string } };
      expect(report.image.digest).toEqual(project.build.digest);
      expect(await readFile(project.scan.reports!.html, 'utf8')).toContain(project.project.split(':')[0]);
      expect(JSON.parse(await readFile(project.scan.reports!.sbom, 'utf8'))).toMatchObject({ bomFormat: 'CycloneDX' });
    }
  });

  it('calls a second run of the same projects a manual one', async () => {
    const { summary } = await runOnce(path.join(dir, 'data'), indexDir);
    expect(summary.projects.map((p) => p.cause)).toEqual(['manual', 'manual', 'manual']);
  });

  it('lints the good projects of an index that has a bad file, and reports the bad one', async () => {
    const mixed = path.join(dir, 'mixed');
    await prepareSample(mixed);
    await writeFile(path.join(mixed, 'index', 'index.d', 'broken.yaml'), 'Projects:\n  - id: one\n    app-id: other\n');
    const { code, summary } = await runOnce(path.join(dir, 'data'), path.join(mixed, 'index'));
    expect(code).toEqual(0);
    expect(summary.index.projects).toEqual(3);
    expect(summary.index.errors).toBeGreaterThanOrEqual(2);
    expect(summary.projects.every((p) => p.lint.verdict === 'passed')).toBe(true);
  });

  it('reads the index from a git URL', async () => {
    const sampleText = await readFile(path.join(indexDir, 'index.d', 'sample.yaml'), 'utf8');
    const indexRepo = await createLocalRepo('main', path.join(dir, 'index-repo'));
    await indexRepo.commit({ 'index.d/sample.yaml': sampleText });
    const { code, summary } = await runOnce(path.join(dir, 'data'), indexRepo.url);
    expect(code).toEqual(0);
    expect(summary.projects).toHaveLength(3);
  });

  it('exits 1 and says why when a project cannot be linted', async () => {
    const missing = path.join(dir, 'missing');
    await prepareSample(missing);
    const file = path.join(missing, 'index', 'index.d', 'sample.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('target-file: Dockerfile\n    desired-tag: "1.0"', 'target-file: Containerfile\n    desired-tag: "1.0"'),
    );
    const { code, summary } = await runOnce(path.join(dir, 'data'), path.join(missing, 'index'));
    expect(code).toEqual(1);
    const webapp = summary.projects.find((p) => p.project === 'sample/webapp:1.0')!;
    expect(webapp.lint).toMatchObject({ verdict: 'error', reason: expect.stringMatching(/webapp\/Containerfile does not exist at commit/) });
  });
});

describe('the embedded runtime served over HTTP', () => {
  it('takes events on POST /, refuses malformed ones, and serves the reports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-serve-'));
    try {
      const { indexDir } = await prepareSample(path.join(dir, 'sample'));
      const index = await loadIndex(indexDir);
      const config = { ...loadConfig({ dataDir: path.join(dir, 'data') }, {}), index: { location: indexDir } };
      const runtime = await startEmbeddedRuntime(config, silentLogger, { projects: index.projects, localRegistry: false });
      const server = await serveRuntime(runtime, { port: 0, log: silentLogger, ingressToken: 'e2e-ingress-token-0123456789' });
      try {
        const event = makeEvent(
          EventTypes.buildRequested,
          { project: { appId: 'sample', jobId: 'hello', desiredTag: 'latest' }, buildId: 'served-1', cause: { kind: 'manual', message: 'kn event send' } },
          { source: '/test/kn' },
        );
        const message = HTTP.binary(event);
        const accepted = await fetch(`${server.url}/`, {
          method: 'POST',
          headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization('e2e-ingress-token-0123456789') },
          body: message.body as string,
        });
        expect(accepted.status).toEqual(202);
        await runtime.broker.idle();

        const report = await fetch(`${server.url}/reports/sample/hello/latest/served-1/lint.json`);
        expect(report.status).toEqual(200);
        expect(report.headers.get('content-type')).toMatch(/^application\/json/);
        expect(((await report.json()) as { code: string }[]).map((f) => f.code)).toContain('DL4000');

        const malformed = await fetch(`${server.url}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-id': 'x',
            'ce-source': '/t',
            'ce-type': EventTypes.buildRequested,
            ...ingressAuthorization('e2e-ingress-token-0123456789'),
          },
          body: '{"project": {}}',
        });
        expect(malformed.status).toEqual(400);
        expect(((await malformed.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('data.project.appId');

        expect((await fetch(`${server.url}/reports/sample/hello/latest/none/lint.json`)).status).toEqual(404);
        expect((await fetch(`${server.url}/state/dedup/x.json`)).status).toEqual(404);
        const build = await fetch(`${server.url}/reports/sample/hello/latest/served-1/build.log`);
        expect(await build.text()).toContain('no registry configured');
      } finally {
        await server.close();
        await runtime.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

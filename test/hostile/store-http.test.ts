import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import type { CliIo } from '../../cli/types';
import type { IndexValidateReport } from '../../cli/commands/index-validate';
import { loadConfig } from '../../shared/config/config';
import { createLocalRepo } from '../../shared/git/local-repo';
import { runGit } from '../../shared/git/run-git';
import { createLogger } from '../../shared/log/logger';

/**
 * The store and the HTTP door of `ccp serve` (the runtime and door `ccp serve` starts, in this
 * process) under attack: links planted in the store's `reports/` must not serve what they point
 * to, malformed and traversing URLs must get JSON without stack, paths or Express's HTML page,
 * and the door must keep serving. Then `ccp index validate` on an index with a 72 MB file.
 */
const CANARY = 'canary-9d1e-never-served';
const REPORT = 'reports/app/job/latest/b1';
/** The registry notifications' Bearer token: the body checks below come after it. */
const NOTIFY_TOKEN = 'store-http-notify-token-7e21';
/** The door's ingress token: a CloudEvent's body is read only after it. */
const INGRESS_TOKEN = 'store-http-ingress-token-5c09';

/** What an answer may never contain: stack lines, install or data paths, Express's page, secrets. */
function leaks(body: string, dataDir: string): string[] {
  const found: string[] = [];
  for (const [what, pattern] of [
    ['stack line', /\n\s*at /],
    ['/work/', /\/work\//],
    ['node_modules', /node_modules/],
    ['HTML page', /<(!DOCTYPE|html|pre)/i],
    ['canary', new RegExp(CANARY)],
    ['/etc/passwd', /root:x:0:0/],
    ['environment', /PATH=|HOME=/],
  ] as const) {
    if (pattern.test(body)) found.push(what);
  }
  if (body.includes(dataDir) || body.includes(os.tmpdir())) found.push('data dir');
  return found;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `request` as is (no URL normalisation, no header checks) and reads the answer until the
 * server closes (every request says `Connection: close`, or is one the server closes on). The
 * socket is not half-closed: Node's server drops a request whose client ended its side.
 */
function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that answers before reading the whole body (413) resets the rest: the answer counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;

describe('ccp serve: links planted in the store and hostile URLs', () => {
  let dir: string;
  let dataDir: string;
  let outside: string;
  let served: ServedRuntime;
  const logLines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-store-'));
    dataDir = path.join(dir, 'data');
    outside = path.join(dir, 'outside');
    mkdirSync(outside);
    await writeFile(path.join(outside, 'canary.txt'), CANARY);
    // A registry address of its own, so that no registry is started: nothing is built here.
    const config = loadConfig({ dataDir, registry: '127.0.0.1:9' }, { CCP_REGISTRY_NOTIFY_TOKEN: NOTIFY_TOKEN, CCP_INGRESS_TOKEN: INGRESS_TOKEN });
    served = await startServedRuntime(config, createLogger({ level: 'debug', write: (line) => logLines.push(line) }), { port: 0 });
    const store = served.runtime.context.store;
    await store.put(`${REPORT}/scan.html`, '<!DOCTYPE html><html><head><style>h1{color:red}</style></head><body><h1>scan</h1></body></html>', {
      contentType: 'text/html; charset=utf-8',
    });
    await store.put(`${REPORT}/build.log`, 'built\n', { contentType: 'text/plain; charset=utf-8' });
    const root = path.join(dataDir, 'store', ...REPORT.split('/'));
    symlinkSync('/etc/passwd', path.join(root, 'passwd'));
    symlinkSync('/proc/self/environ', path.join(root, 'environ'));
    symlinkSync(path.join(outside, 'canary.txt'), path.join(root, 'canary.txt'));
    symlinkSync(outside, path.join(root, 'outside'));
    symlinkSync('/etc', path.join(dataDir, 'store', 'reports', 'app', 'job', 'etc'));
    symlinkSync('b1', path.join(root, '..', 'b2'));
    linkSync(path.join(outside, 'canary.txt'), path.join(root, 'hard.txt'));
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const LINKED: Array<[string, string]> = [
    ['a link to /etc/passwd', `/${REPORT}/passwd`],
    ['a link to /proc/self/environ', `/${REPORT}/environ`],
    ['a link to a canary file', `/${REPORT}/canary.txt`],
    ['a file in a linked folder outside', `/${REPORT}/outside/canary.txt`],
    ['a file in a linked /etc', '/reports/app/job/etc/passwd'],
    ['a report through a link back inside the store', '/reports/app/job/latest/b2/scan.html'],
    ['a hard link to the canary', `/${REPORT}/hard.txt`],
  ];

  it.each(LINKED)('answers %s with a 404 in JSON, leaking nothing', async (_what, target) => {
    const answer = await rawRequest(served.server.port, get(target));
    expect([answer.status, answer.headers['content-type'], JSON.parse(answer.body), leaks(answer.body, dataDir)]).toEqual([
      404,
      'application/json; charset=utf-8',
      { error: 'no such report' },
      [],
    ]);
  });

  it.each([
    ['a malformed percent-encoding', 400, get('/reports/%E0%A4%A')],
    ['encoded traversal', 400, get('/reports/..%2f..%2fetc/passwd')],
    ['encoded traversal to /proc', 400, get('/reports/..%2F..%2F..%2F..%2Fproc%2Fself%2Fenviron')],
    ['raw traversal', 400, get('/reports/../../etc/passwd')],
    ['raw traversal below a report', 400, get(`/${REPORT}/../../../../../../etc/passwd`)],
    ['a NUL byte', 400, get('/reports/app%00/x')],
    ['backslashes', 400, get('/reports/app%5c..%5c..%5cx')],
    ['an empty segment', 400, get('/reports//etc/passwd')],
    ['a 10 KB path', 400, get(`/reports/${'a/'.repeat(5000)}x`)],
    ['a malformed encoding outside /reports', 404, get('/%E0%A4%A')],
    ['a malformed encoding under /webhooks', 404, get('/webhooks/github/%E0%A4%A')],
    ['a POST to a report', 405, `POST /${REPORT}/scan.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`],
    ['an unknown method', 400, 'FROB / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a broken request line', 400, 'GET\r\n\r\n'],
    ['64 KB of headers', 431, get('/', `X-Big: ${'b'.repeat(65_536)}\r\n`)],
    [
      'a CloudEvent without the ingress token',
      401,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"id": 1,`,
    ],
    [
      'a CloudEvent that is no JSON',
      400,
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${INGRESS_TOKEN}\r\nContent-Type: application/cloudevents+json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"id": 1,`,
    ],
    [
      'a registry notification without its token',
      401,
      `POST /registry/notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{{{{`,
    ],
    [
      'a registry notification that is no JSON',
      400,
      `POST /registry/notifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${NOTIFY_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{{{{`,
    ],
    // Refused by the body parser of a route without its own error handler: the door's handler answers.
    [
      'a registry notification over the body limit',
      413,
      `POST /registry/notifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${NOTIFY_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n${'x'.repeat(2_000_000)}`,
    ],
    [
      'a webhook over the body limit',
      413,
      `POST /webhooks/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n${'x'.repeat(2_000_000)}`,
    ],
  ])('answers %s with %i in JSON, without stack or paths', async (_what, status, request) => {
    const answer = await rawRequest(served.server.port, request);
    const body = JSON.parse(answer.body) as { error?: unknown };
    expect([answer.status, answer.headers['content-type'], typeof body.error, answer.headers['x-powered-by'], leaks(answer.body, dataDir)]).toEqual([
      status,
      'application/json; charset=utf-8',
      'string',
      undefined,
      [],
    ]);
  });

  it('keeps serving reports, with a policy that lets the page show and nothing run', async () => {
    const page = await fetch(`${served.server.url}/${REPORT}/scan.html`);
    const log = await fetch(`${served.server.url}/${REPORT}/build.log`);
    const health = await fetch(`${served.server.url}/health/liveness`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect([page.status, await page.text(), log.status, await log.text(), health.status]).toEqual([
      200,
      '<!DOCTYPE html><html><head><style>h1{color:red}</style></head><body><h1>scan</h1></body></html>',
      200,
      'built\n',
      200,
    ]);
    expect({
      nosniff: page.headers.get('x-content-type-options'),
      poweredBy: page.headers.get('x-powered-by'),
      disposition: [page.headers.get('content-disposition'), log.headers.get('content-disposition')],
      // The inline <style> of scan.html may apply; scripts, requests, forms and framing may not.
      csp: csp.split('; ').sort(),
    }).toEqual({
      nosniff: 'nosniff',
      poweredBy: null,
      disposition: ["inline; filename*=UTF-8''scan.html", "inline; filename*=UTF-8''build.log"],
      csp: ["base-uri 'none'", "default-src 'none'", "form-action 'none'", "frame-ancestors 'none'", 'img-src data:', 'sandbox', "style-src 'unsafe-inline'"],
    });
    // Each refused link leaves a warning, naming the key and never the target.
    for (const [, target] of LINKED) expect((await fetch(`${served.server.url}${target}`)).status).toEqual(404);
    const refusals = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'report refused: its path meets a link');
    expect([
      [...new Set(refusals.map((line) => String(line.key)))].sort(),
      logLines.some((line) => line.includes(CANARY) || line.includes('root:x:0:0')),
    ]).toEqual([LINKED.map(([, target]) => target.slice(1)).sort(), false]);
  });
});

describe('ccp index validate on an index with a 72 MB file', () => {
  const HUGE_BYTES = 72 * 1024 * 1024;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-index-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const entry = (app: string, extra = ''): string =>
    `Projects:\n  - id: 1\n    app-id: ${app}\n    job-id: web\n    git-url: https://example.com/${app}.git\n    git-branch: main\n    git-path: /\n    target-file: Dockerfile\n    desired-tag: latest\n    notify-email: team@example.com\n    depends-on: null\n${extra}`;

  /** Writes a 72 MB index file of repeated entries, 1 MB at a time. */
  async function writeHuge(file: string): Promise<void> {
    const block = Buffer.alloc(1024 * 1024, `${entry('huge').slice('Projects:\n'.length)}`);
    const handle = await open(file, 'w');
    try {
      await handle.write('Projects:\n');
      for (let written = 0; written < HUGE_BYTES; written += block.length) await handle.write(block);
    } finally {
      await handle.close();
    }
  }

  async function validate(location: string): Promise<{ code: number; report: IndexValidateReport; ms: number; rssGrowthMb: number }> {
    const io: CliIo & { out: string } = { out: '', env: {}, cwd: dir, stdout: (text: string) => void (io.out += text), stderr: () => undefined };
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const code = await main(['index', 'validate', location, '--json'], io);
    return {
      code,
      report: JSON.parse(io.out) as IndexValidateReport,
      ms: Date.now() - started,
      rssGrowthMb: Math.round((process.memoryUsage().rss - rss) / 1024 ** 2),
    };
  }

  const sizeError = (file: string) => ({
    file,
    line: 1,
    column: 1,
    field: '',
    message: `the file is ${HUGE_BYTES + 'Projects:\n'.length} bytes, more than the limit of 2097152 bytes per index file (CCP_INDEX_MAX_FILE_BYTES); not read`,
  });

  it('in a folder: names the file with its size error, fast, and still validates the others', async () => {
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    await writeHuge(path.join(folder, 'huge.yaml'));
    await writeFile(path.join(folder, 'good.yaml'), entry('good'));
    await writeFile(path.join(folder, 'typo.yaml'), entry('typo').replace('git-branch', 'git-brach'));
    const { code, report, ms, rssGrowthMb } = await validate(folder);
    expect([code, report.projects, report.errors.map((error) => error.file).sort()]).toEqual([1, 1, ['huge.yaml', 'typo.yaml']]);
    expect(report.errors.find((error) => error.file === 'huge.yaml')).toEqual(sizeError('huge.yaml'));
    // Was 17 s and 2.4 GB of memory: the file is never read now.
    expect([ms < 3000, rssGrowthMb < 100]).toEqual([true, true]);
    process.stderr.write(`index validate, 72 MB file in a folder: ${ms} ms, RSS growth ${rssGrowthMb} MB\n`);
  }, 120_000);

  it('in a git repository: the same, and a committed link out of the clone is refused by name', async () => {
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    mkdirSync(path.join(repo.dir, 'index.d'));
    await writeHuge(path.join(repo.dir, 'index.d', 'huge.yaml'));
    symlinkSync('/etc/passwd', path.join(repo.dir, 'index.d', 'leak.yaml'));
    await repo.commit({ 'index.d/good.yaml': entry('good') }, 'an index with a 72 MB file and a link');
    expect((await runGit(['-C', repo.dir, 'ls-files', '-s', 'index.d/leak.yaml'])).stdout).toMatch(/^120000 /);
    const { code, report, ms } = await validate(repo.url);
    expect([code, report.projects, report.errors]).toEqual([
      1,
      1,
      [
        sizeError('index.d/huge.yaml'),
        { file: 'index.d/leak.yaml', line: 1, column: 1, field: '', message: 'the file is a symbolic link that leads out of the index folder; refused' },
      ],
    ]);
    process.stderr.write(`index validate, 72 MB file in a git repository (clone included): ${ms} ms\n`);
  }, 180_000);
});

import { rm } from 'node:fs/promises';
import { HTTP } from 'cloudevents';
import { BuildRecords } from '../../shared/builds/records';
import { LogStreamer } from '../../shared/builds/log-streamer';
import type { FunctionContext } from '../../shared/function/types';
import { createFunctionServer } from '../../shared/host/function-server';
import { listen, type RunningServer } from '../../shared/host/listen';
import { StoreError } from '../../shared/store/errors';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import type { ObjectStore } from '../../shared/store/types';
import { buildRequested, testContext } from '../../test/support/test-functions';
import { ENTRIES, HOSTILE, HTTPD_BUILD, INDEX, WEB_BUILD, writeScenario } from './__fixtures__/scenario';
import { dashboardFunction } from '.';
import { saveMailRecord, type MailRecord } from '../../shared/mails/mail-records';

/** A sent scan mail's record, as notify writes it. */
function mailRecordOf(subject: string): MailRecord {
  return {
    format: 'ccp.mail-record/v1',
    kind: 'scan',
    state: 'sent',
    subject,
    recipients: [{ address: 'team@example.org', status: 'sent' }],
    at: '2026-12-02T00:00:00.000Z',
    eventId: subject,
    eventType: 'org.centos.ccp.scan.completed',
    links: [],
    messageId: `${subject.replace(/\W/g, '')}@pipeline.example.org`,
  };
}

/** The dashboard as its Knative Service runs it: the real function server on 127.0.0.1. */
async function serve(store: ObjectStore): Promise<RunningServer> {
  const context: FunctionContext = { ...testContext(store), listProjects: () => Promise.resolve(INDEX) };
  return listen(createFunctionServer(dashboardFunction, context), { port: 0, host: '127.0.0.1' });
}

async function get(url: string): Promise<{ status: number; type: string; csp: string; body: string }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    csp: response.headers.get('content-security-policy') ?? '',
    body: await response.text(),
  };
}

/** The project names of the projects table, in order. */
function projectRows(page: string): string[] {
  return [...page.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a><\/th>/g)].map((match) => match[1]!);
}

/** One event of a Server-Sent Events stream. */
interface StreamEvent {
  event: string;
  id?: string;
  data: string;
}

/** Reads events from `response` until `until` says stop (or `timeoutMs` passes: then it throws). */
async function readEvents(response: Response, until: (events: StreamEvent[]) => boolean, timeoutMs = 20_000): Promise<StreamEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (!until(events)) {
    if (Date.now() > deadline) throw new Error(`no end of the stream after ${timeoutMs} ms; got ${JSON.stringify(events)}`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = block.split('\n').filter((line) => !line.startsWith(':') && line !== '');
      const data = fields.filter((line) => line.startsWith('data:')).map((line) => line.replace(/^data: ?/, ''));
      const event = fields.find((line) => line.startsWith('event:'))?.replace(/^event: ?/, '') ?? 'message';
      const id = fields.find((line) => line.startsWith('id:'))?.replace(/^id: ?/, '');
      if (data.length > 0) events.push({ event, ...(id ? { id } : {}), data: data.join('\n') });
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

describe('the dashboard over HTTP (its function server on 127.0.0.1)', () => {
  const store = new TempObjectStore();
  let server: RunningServer;
  beforeAll(async () => {
    await writeScenario(store);
    server = await serve(store);
  });
  afterAll(async () => {
    await server.close();
    await rm(store.inner.root, { recursive: true, force: true });
  });

  it('serves the projects failing first, as HTML with its policy, and escapes hostile text', async () => {
    const page = await get(`${server.url}/`);
    expect({ status: page.status, type: page.type, csp: page.csp.includes("script-src 'self'"), rows: projectRows(page.body) }).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      csp: true,
      rows: ['centos/httpd-24-centos7:latest', 'apps/team/web:1.0', 'tools/idle:latest', 'centos/centos:7', 'evil/x:latest'],
    });
    expect(page.body).not.toContain(HOSTILE);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
  });

  it.each([
    ['?status=failed', ['centos/httpd-24-centos7:latest']],
    ['?status=failed&q=httpd', ['centos/httpd-24-centos7:latest']],
    ['?q=centos', ['centos/httpd-24-centos7:latest', 'apps/team/web:1.0', 'centos/centos:7']],
    ['?status=succeeded&q=httpd', []],
    ['?status=&q=', ['centos/httpd-24-centos7:latest', 'apps/team/web:1.0', 'tools/idle:latest', 'centos/centos:7', 'evil/x:latest']],
  ])('filters the projects by the query string %s', async (query, expected) => {
    const page = await get(`${server.url}/${query}`);
    expect([page.status, projectRows(page.body)]).toEqual([200, expected]);
  });

  it.each([
    ['/?status=broken', 400, 'Bad request'],
    ['/?q=a&q=b', 400, 'Bad request'],
    ['/projects/no/such/project', 404, 'Not found'],
    ['/projects/centos/httpd-24-centos7/latest/builds/20261201T000000Z-none/log', 404, 'Not found'],
    ['/projects/centos/..%2F..%2Fstate/latest', 400, 'Bad request'],
    ['/projects/centos/%E0%A4%A/latest', 400, 'Bad request'],
    ['/projects/only-two/parts', 400, 'Bad request'],
    ['/cascades/no-such-cascade', 404, 'Not found'],
    ['/cascades/..%2Fsecret', 400, 'Bad request'],
    ['/projects/centos/centos/7?mails-before=..%2F..%2Fdeadletters', 400, 'Bad request'],
    ['/projects/centos/centos/7?mails-before=a&mails-before=b', 400, 'Bad request'],
  ])('answers %s with a %i page', async (path, status, title) => {
    const page = await get(`${server.url}${path}`);
    expect([page.status, page.type, /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1]]).toEqual([status, 'text/html; charset=utf-8', title]);
  });

  it('serves a project page whose report links the same server answers', async () => {
    const page = await get(`${server.url}/projects/centos/centos/7`);
    expect(page.status).toEqual(200);
    const reports = [...page.body.matchAll(/href="(\/reports\/[^"]+)"/g)].map((match) => match[1]!);
    expect(reports.length).toBeGreaterThan(3);
    const statuses = await Promise.all(reports.map(async (href) => (await fetch(`${server.url}${href}`)).status));
    expect(statuses.every((status) => status === 200)).toBe(true);
  });

  it('lists a project’s mails 50 a page, newest first, and follows the “Older mails” link to the rest', async () => {
    const ref = ENTRIES.idle;
    for (let index = 0; index < 52; index++) {
      const at = new Date(Date.UTC(2026, 11, 2, 0, index));
      await saveMailRecord(store, ref, `scan-${index}\nscan`, { ...mailRecordOf(`scan mail ${index}`), at: at.toISOString() }, at);
    }
    const first = await get(`${server.url}/projects/tools/idle/latest`);
    const older = /<a href="([^"]+)">Older mails<\/a>/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    const second = await get(`${server.url}${older}`);
    const subjects = (page: string): string[] => [...page.matchAll(/<th scope="row">(scan mail \d+)<br>/g)].map((match) => match[1]!);
    expect({
      first: [first.status, subjects(first.body).length, subjects(first.body)[0], subjects(first.body)[49]],
      older: older?.replace(/mails-before=[^#]+/, 'mails-before=…'),
      second: [second.status, subjects(second.body), second.body.includes('Older mails'), second.body.includes('>Newest mails</a>')],
    }).toEqual({
      first: [200, 50, 'scan mail 51', 'scan mail 2'],
      older: '/projects/tools/idle/latest?mails-before=…#mails-heading',
      second: [200, ['scan mail 1', 'scan mail 0'], false, true],
    });
  });

  it('serves a nested job id’s page and its build log page', async () => {
    const project = await get(`${server.url}/projects/apps/team/web/1.0`);
    const log = await get(`${server.url}/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log`);
    expect([project.status, log.status, /<pre[^>]*>([\s\S]*?)<\/pre>/.exec(log.body)?.[1]]).toEqual([
      200,
      200,
      'ccp build of apps/team/web:1.0\n==&gt; checkout\n',
    ]);
  });

  it('serves the cascades and a cascade’s tree', async () => {
    const list = await get(`${server.url}/cascades`);
    const one = await get(`${server.url}/cascades/after-20261201T090000Z-aaaa`);
    expect([
      list.status,
      list.body.includes('href="/cascades/after-20261201T090000Z-aaaa"'),
      one.status,
      /<ul class="tree"[\s\S]*<strong>centos\/centos:7<\/strong>[\s\S]*<ul>[\s\S]*<strong>apps\/team\/web:1.0<\/strong>/.test(one.body),
    ]).toEqual([200, true, 200, true]);
  });

  it('links each rebuilt image of a cascade to its build’s log, one click from “why did my image rebuild”', async () => {
    const page = await get(`${server.url}/cascades/after-20261201T090000Z-aaaa`);
    const logs = [...page.body.matchAll(/href="(\/projects\/[^"]+\/log)"/g)].map((match) => match[1]!);
    const answers = await Promise.all(logs.map(async (href) => [href, (await fetch(`${server.url}${href}`)).status]));
    expect(answers).toEqual([
      [`/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log`, 200],
      [`/projects/centos/httpd-24-centos7/latest/builds/${HTTPD_BUILD}/log`, 200],
    ]);
  });

  it('serves its style sheet and script from itself', async () => {
    const css = await fetch(`${server.url}/assets/dashboard.css`);
    const js = await fetch(`${server.url}/assets/follow-log.js`);
    expect([css.status, css.headers.get('content-type'), js.status, js.headers.get('content-type'), (await js.text()).includes('EventSource')]).toEqual([
      200,
      'text/css; charset=utf-8',
      200,
      'text/javascript; charset=utf-8',
      true,
    ]);
  });

  it('answers HEAD on a log stream without holding the request open', async () => {
    const response = await fetch(`${server.url}/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log/stream`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(5000),
    });
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([200, 'text/event-stream; charset=utf-8', '']);
  });

  it('only shows: other methods are refused, and a CloudEvent is not taken', async () => {
    const put = await fetch(`${server.url}/cascades`, { method: 'PUT' });
    const message = HTTP.binary(buildRequested('dashboard-1'));
    const event = await fetch(`${server.url}/`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect([put.status, put.headers.get('allow'), event.status]).toEqual([405, 'GET, HEAD', 400]);
  });
});

describe('the dashboard when the store fails', () => {
  it('answers a 500 page that carries no error detail', async () => {
    const store = new TempObjectStore();
    const failing: ObjectStore = {
      ...store,
      kind: 'fs',
      put: (...args) => store.put(...args),
      get: (key) => store.get(key),
      head: (key) => store.head(key),
      delete: (key) => store.delete(key),
      locationOf: (key) => store.locationOf(key),
      list: (prefix) => Promise.reject(new StoreError('list', prefix, 'EIO reading /srv/secret/store-root', 'EIO')),
    };
    const server = await serve(failing);
    try {
      const pages = await Promise.all(['/', '/projects/centos/centos/7', '/cascades'].map((path) => get(`${server.url}${path}`)));
      expect(
        pages.map((page) => [
          page.status,
          /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1],
          page.body.includes('/srv/secret'),
          page.body.includes('EIO'),
          /\bat .*\.ts:\d+/.test(page.body),
        ]),
      ).toEqual([
        [500, 'Something went wrong', false, false, false],
        [500, 'Something went wrong', false, false, false],
        [500, 'Something went wrong', false, false, false],
      ]);
    } finally {
      await server.close();
      await rm(store.inner.root, { recursive: true, force: true });
    }
  });
});

describe('following a running build’s log over Server-Sent Events', () => {
  it('delivers the lines appended after the page, then the end with the build’s status', async () => {
    const store = new TempObjectStore();
    await writeScenario(store);
    const records = new BuildRecords(store);
    const running = (await records.get(ENTRIES.web, WEB_BUILD))!;
    const before = (await store.get(running.links.log))!.body;
    const server = await serve(store);
    try {
      const response = await fetch(`${server.url}/projects/apps/team/web/1.0/builds/${WEB_BUILD}/log/stream?from=${before.length}`);
      expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
      // The build function's own writer: the whole log written again with the new lines.
      const log = new LogStreamer({ store, key: running.links.log, secrets: [], intervalMs: 0 });
      log.write(before.toString('utf8'));
      await log.flush();
      const reading = readEvents(response, (events) => events.some((event) => event.event === 'end'));
      log.write('==> build\n');
      await log.flush();
      log.write(`STEP 1: FROM centos\n${HOSTILE}\n`);
      await log.close();
      await records.update(running, { status: 'succeeded', timings: { ...running.timings, finishedAt: new Date().toISOString(), durationMs: 5000 } });
      const events = await reading;
      const lines = events
        .filter((event) => event.event === 'message')
        .map((event) => event.data)
        .join('');
      expect({ lines, end: events.at(-1) }).toEqual({ lines: `==> build\nSTEP 1: FROM centos\n${HOSTILE}\n`, end: { event: 'end', data: 'succeeded' } });
      const ids = events.filter((event) => event.event === 'message').map((event) => Number(event.id));
      expect(ids.at(-1)).toEqual((await store.get(running.links.log))!.body.length);
    } finally {
      await server.close();
      await rm(store.inner.root, { recursive: true, force: true });
    }
  });

  it('resumes after the Last-Event-ID a reconnecting browser sends, and ends at once for a finished build', async () => {
    const store = new TempObjectStore();
    await writeScenario(store);
    const server = await serve(store);
    try {
      const response = await fetch(`${server.url}/projects/evil/x/latest/builds/20261201T093000Z-eeee/log/stream`, { headers: { 'Last-Event-ID': '0' } });
      const events = await readEvents(response, (seen) => seen.some((event) => event.event === 'end'));
      expect(events.map((event) => [event.event, event.data])).toEqual([
        ['message', `echo ${HOSTILE}\n`],
        ['end', 'succeeded'],
      ]);
    } finally {
      await server.close();
      await rm(store.inner.root, { recursive: true, force: true });
    }
  });
});

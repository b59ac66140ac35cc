import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { EventTypes, ForeignEventTypes } from '../../shared/events';

const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');
const ENTRY = path.join(REPO, 'functions', 'main.ts');

/** A K_SINK that holds every POST for `holdMs` before answering 202: the gateway's delivery stays in flight that long. */
async function slowSink(holdMs: number): Promise<{ url: string; received: string[]; arrived: Promise<void>; server: Server }> {
  const received: string[] = [];
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.once('end', () => {
      received.push(String(request.headers['ce-type']));
      arrive();
      setTimeout(() => response.writeHead(202).end(), holdMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, arrived, server };
}

/** `node functions/main.ts` as Knative starts it (FUNCTION, PORT 0 here); resolves with its URL from the "function serving" line. */
function startFunction(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcessWithoutNullStreams; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', REGISTER, ENTRY], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /"msg":"function serving".*?"url":"([^"]+)"/.exec(stdout)?.[1];
      if (url) resolve({ child, url, exited });
    });
    void exited.then((code) => reject(new Error(`function exited with ${code} before serving: ${stdout}`)));
  });
}

function ping(id: string): { headers: Record<string, string>; body: string } {
  const event = new CloudEvent({ id, source: '/apis/v1/namespaces/ccp/pingsources/ccp-repo-poll', type: ForeignEventTypes.ping, time: '2026-11-28T10:00:00.000Z', datacontenttype: 'application/json', data: { tick: 'repo-poll' } });
  const message = HTTP.binary(event);
  return { headers: message.headers as Record<string, string>, body: message.body as string };
}

function post(url: string, id: string): Promise<number> {
  const { headers, body } = ping(id);
  return fetch(url, { method: 'POST', headers, body }).then((response) => response.status);
}

/** Polls readiness until it is 503 (the process took SIGTERM), so the next post is surely after it. */
async function untilNotReady(url: string): Promise<number> {
  for (;;) {
    const status = await fetch(`${url}/health/readiness`).then((response) => response.status);
    if (status !== 200) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('scale-down: SIGTERM to a real function process (FUNCTION=gateway, a K_SINK that answers slowly)', () => {
  let dir: string;
  let sink: Awaited<ReturnType<typeof slowSink>>;
  afterEach(async () => {
    await new Promise((resolve) => sink.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes the delivery in flight, answers 503 to a new one and to readiness, and exits 0', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sigterm-'));
    sink = await slowSink(2_000);
    const fn = await startFunction({ FUNCTION: 'gateway', HOST: '127.0.0.1', PORT: '0', CCP_DATA_DIR: path.join(dir, 'data'), K_SINK: sink.url, CCP_DRAIN_GRACE_SECONDS: '20' });
    const first = post(fn.url, 'slow-1');
    await sink.arrived;
    fn.child.kill('SIGTERM');
    const readiness = await untilNotReady(fn.url);
    const second = await post(fn.url, 'late-2');
    expect([readiness, second, await first, await fn.exited, sink.received]).toEqual([503, 503, 202, 0, [EventTypes.tickRepoPoll]]);
  }, 30_000);

  it('gives up a delivery that outlives CCP_DRAIN_GRACE_SECONDS and exits 1 (the broker redelivers it)', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sigterm-'));
    sink = await slowSink(8_000);
    const fn = await startFunction({ FUNCTION: 'gateway', HOST: '127.0.0.1', PORT: '0', CCP_DATA_DIR: path.join(dir, 'data'), K_SINK: sink.url, CCP_DRAIN_GRACE_SECONDS: '0.5' });
    const first = post(fn.url, 'slow-1').catch(() => 'connection closed');
    await sink.arrived;
    const signalled = Date.now();
    fn.child.kill('SIGTERM');
    const code = await fn.exited;
    expect([code, Date.now() - signalled < 5_000, await first]).toEqual([1, true, 'connection closed']);
  }, 30_000);
});

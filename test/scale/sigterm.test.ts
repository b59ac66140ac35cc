import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';

const REPO = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO, 'test', 'scan-support', 'ts-register.js');
const ENTRY = path.join(REPO, 'functions', 'main.ts');

/**
 * A K_SINK that holds every POST unanswered until `release()` (then 202): the gateway's delivery
 * stays in flight for as long as the test needs, however slow a loaded machine makes the rest.
 */
async function heldSink(): Promise<{ url: string; received: string[]; arrived: Promise<void>; release(): void; server: Server }> {
  const received: string[] = [];
  const held: ServerResponse[] = [];
  let released = false;
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.once('end', () => {
      received.push(String(request.headers['ce-type']));
      arrive();
      if (released) response.writeHead(202).end();
      else held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = (): void => {
    released = true;
    for (const response of held.splice(0)) response.writeHead(202).end();
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, arrived, release, server };
}

interface RunningFunction {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<number | null>;
  /** Every JSON log line on stdout so far. */
  logs(): Array<Record<string, unknown>>;
}

/** `node functions/main.ts` as Knative starts it (FUNCTION, PORT 0 here); resolves with its URL from the "function serving" line. */
function startFunction(env: NodeJS.ProcessEnv): Promise<RunningFunction> {
  const child = spawn(process.execPath, ['-r', REGISTER, ENTRY], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  const logs = (): Array<Record<string, unknown>> =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return new Promise((resolve, reject) => {
    child.stderr.on('data', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /"msg":"function serving".*?"url":"([^"]+)"/.exec(stdout)?.[1];
      if (url) resolve({ child, url, exited, logs });
    });
    void exited.then((code) => reject(new Error(`function exited with ${code} before serving: ${stdout}`)));
  });
}

/** `promise`, or `fallback` once `ms` passed: a bound that reads as a value in the assertion, not a jest timeout. */
function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function ping(id: string): { headers: Record<string, string>; body: string } {
  const event = new CloudEvent({
    id,
    source: '/apis/v1/namespaces/ccp/pingsources/ccp-repo-poll',
    type: ForeignEventTypes.ping,
    time: '2026-11-28T10:00:00.000Z',
    datacontenttype: 'application/json',
    data: { tick: 'repo-poll' },
  });
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

// Generous limits: the suite runs many jest workers on 2 cores, where starting a function
// (transpiling functions/main.ts) alone may take tens of seconds. Nothing below waits on a
// fixed sleep: the sink holds the delivery until released, and the checks wait on the
// process's own answers and exit.
const START_AND_RUN_MS = 120_000;

describe('scale-down: SIGTERM to a real function process (FUNCTION=gateway, a K_SINK that holds the delivery)', () => {
  let dir: string;
  let sink: Awaited<ReturnType<typeof heldSink>>;
  let fn: RunningFunction | undefined;
  afterEach(async () => {
    sink.release();
    if (fn && fn.child.exitCode === null && fn.child.signalCode === null) {
      fn.child.kill('SIGKILL');
      await fn.exited;
    }
    fn = undefined;
    sink.server.closeAllConnections();
    await new Promise((resolve) => sink.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'finishes the delivery in flight, answers 503 to a new one and to readiness, and exits 0',
    async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sigterm-'));
      sink = await heldSink();
      fn = await startFunction({
        FUNCTION: 'gateway',
        HOST: '127.0.0.1',
        PORT: '0',
        CCP_DATA_DIR: path.join(dir, 'data'),
        K_SINK: sink.url,
        CCP_DRAIN_GRACE_SECONDS: '600',
      });
      const first = post(fn.url, 'slow-1');
      await sink.arrived;
      fn.child.kill('SIGTERM');
      const readiness = await untilNotReady(fn.url);
      const second = await post(fn.url, 'late-2');
      // Only now may the delivery in flight end: everything above happened while it was held.
      sink.release();
      expect([readiness, second, await first, await fn.exited, sink.received]).toEqual([503, 503, 202, 0, [EventTypes.tickRepoPoll]]);
      expect(
        fn
          .logs()
          .filter((line) => line.msg === 'draining')
          .map((line) => line.inFlight),
      ).toEqual([1]);
    },
    START_AND_RUN_MS,
  );

  it(
    'gives up a delivery that outlives CCP_DRAIN_GRACE_SECONDS and exits 1 (the broker redelivers it)',
    async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-sigterm-'));
      sink = await heldSink();
      fn = await startFunction({
        FUNCTION: 'gateway',
        HOST: '127.0.0.1',
        PORT: '0',
        CCP_DATA_DIR: path.join(dir, 'data'),
        K_SINK: sink.url,
        CCP_DRAIN_GRACE_SECONDS: '0.5',
      });
      const first = post(fn.url, 'slow-1').catch(() => 'connection closed');
      await sink.arrived;
      const signalled = Date.now();
      fn.child.kill('SIGTERM');
      // The sink never answers while the process lives: exiting at all means it gave the delivery up.
      const code = await within(fn.exited, 60_000, 'still running after 60 s');
      const waited = Date.now() - signalled;
      expect([code, await first, waited >= 500]).toEqual([1, 'connection closed', true]);
      expect(
        fn
          .logs()
          .filter((line) => line.msg === 'grace period over, deliveries abandoned')
          .map((line) => [line.abandoned, line.graceMs]),
      ).toEqual([[1, 500]]);
    },
    START_AND_RUN_MS,
  );
});

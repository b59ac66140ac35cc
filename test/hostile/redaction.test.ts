import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HTTP, type CloudEvent } from 'cloudevents';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../functions/build/builders/local';
import { loadConfig } from '../../shared/config/config';
import { EventTypes } from '../../shared/events/types';
import { makeEvent } from '../../shared/events/make';
import { type BuildCompletedData } from '../../shared/events/contracts/build-completed';
import { createLocalRepo } from '../../shared/git/local-repo';
import { BUSYBOX_IMAGE } from '../support/images/recipes';
import { pushBaseImage } from '../support/images/make-image';
import type { ProjectEntry } from '../../shared/index/types';
import { createLogger } from '../../shared/log/logger';
import { deliverMails } from '../../functions/notify/mail/deliver';
import { loadMailSettings } from '../../shared/config/mail-settings';
import { createMailTransport } from '../../functions/notify/mail/transports/api';
import { configuredSecrets } from '../../shared/redact/secrets';
import { smtpEnvOf, type SmtpSink, startSmtpSink } from '../notify/smtp-sink';
import { ingressAuthorization, ingressTokenFor } from '../../shared/host/ingress-token';

const exec = promisify(execFile);

/** The SMTP password: a configured secret, with characters that escaping and encoding change. */
const SECRET = 'Sm7p-Pa55/w0rd+x&<"q">';
const USER = 'ccp-mailer';

const base64 = (text: string): string => Buffer.from(text).toString('base64');
/** The base64 characters of `prefix + SECRET + '}'` that only the secret's bits decide. */
function inBlob(prefix: string): { leak: string; trace: string } {
  const leak = base64(`${prefix}${SECRET}}`);
  const start = Buffer.byteLength(prefix);
  return { leak, trace: leak.slice(Math.ceil((8 * start) / 6), Math.floor((8 * (start + Buffer.byteLength(SECRET))) / 6)) };
}
const whole = (leak: string): { leak: string; trace: string } => ({ leak, trace: leak });

/** The secret as a leaking script prints it, and what of each print must not come out. */
const FORMS: Record<string, { leak: string; trace: string }> = {
  raw: whole(SECRET),
  base64: whole(base64(SECRET)),
  basicAuth: whole(base64(`${USER}:${SECRET}`)),
  blobOffset1: inBlob('{'),
  blobOffset2: inBlob('{"'),
  blobOffset0: inBlob('{"x'),
  hex: whole(Buffer.from(SECRET).toString('hex')),
  HEX: whole(Buffer.from(SECRET).toString('hex').toUpperCase()),
  urlEncoded: whole(encodeURIComponent(SECRET)),
  json: { leak: JSON.stringify({ password: SECRET }), trace: JSON.stringify(SECRET).slice(1, -1) },
  html: whole(SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')),
  reversed: whole([...SECRET].reverse().join('')),
  urlCredentials: { leak: `https://robot:${encodeURIComponent(SECRET)}@git.example.org/x`, trace: `robot:${encodeURIComponent(SECRET)}` },
};

/** Every run of 8 characters of a form's trace found in `text`: none may be. */
function traces(text: string): string[] {
  const found: string[] = [];
  for (const [name, { trace }] of Object.entries(FORMS)) {
    for (let at = 0; at + 8 <= trace.length; at++) if (text.includes(trace.slice(at, at + 8))) found.push(`${name}: ${trace.slice(at, at + 8)}`);
  }
  return found;
}

/**
 * The prebuild script of an attacker: one 150,000-letter line with the secret inside and no
 * newline for 220,000 characters, one line of a megabyte of `a:` and one of 256 KiB of `a://` (what
 * stalls a backtracking URL expression), then the secret in every form, one per line.
 */
const PREBUILD = `#!/bin/sh
set -e
head -c 150000 /dev/zero | tr '\\0' a
printf ' inline %s ' "$(cat raw.txt)"
head -c 70000 /dev/zero | tr '\\0' b
echo
yes 'a:' | head -n 524288 | tr -d '\\n'
echo
yes 'a://' | head -n 65536 | tr -d '\\n'
echo
cat leak.txt
echo made > made.txt
`;

/** A `build.requested` cause an attacker writes: 900 KiB of `a:`, `a://`, letters, the secret in every form. */
function hostileCause(): string {
  const forms = Object.entries(FORMS)
    .map(([name, { leak }]) => `${name}: ${leak}`)
    .join(' ');
  return `${forms} ${'a:'.repeat(150 * 1024)}${'a://'.repeat(75 * 1024)}${'x'.repeat(150 * 1024)} ${forms} `.padEnd(900 * 1024, ':');
}

describe('hostile output and events against redaction (real build, real SMTP)', () => {
  let dir: string;
  let served: ServedRuntime;
  let smtp: SmtpSink;
  let project: ProjectEntry;
  const logs: string[] = [];
  const completed: BuildCompletedData[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-hostile-redaction-'));
    smtp = await startSmtpSink();
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit({
      'hostile/Dockerfile': 'FROM test/busybox:latest\nCOPY made.txt /made.txt\n',
      'hostile/make.sh': { content: PREBUILD, executable: true },
      'hostile/raw.txt': SECRET,
      'hostile/leak.txt': `${Object.entries(FORMS)
        .map(([name, { leak }]) => `${name}: ${leak}`)
        .join('\n')}\n`,
    });
    project = {
      id: 1,
      appId: 'hostile',
      jobId: 'printer',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: 'hostile',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: ['owner@example.com'],
      buildContext: './',
      dependsOn: [],
      source: { file: 'index.d/hostile.yaml', line: 2 },
      prebuildScript: './make.sh',
      prebuildContext: 'hostile',
    };
    const env = { ...smtpEnvOf(smtp), CCP_SMTP_USER: USER, CCP_SMTP_PASSWORD: SECRET, CCP_MAIL_FROM: 'ccp@pipeline.example.org' };
    const config = loadConfig({ dataDir: path.join(dir, 'data') }, env);
    const log = createLogger({ level: 'debug', write: (line) => void logs.push(line) });
    served = await startServedRuntime(config, log, { port: 0, projects: [project] });
    await pushBaseImage(BUSYBOX_IMAGE, { ref: 'test/busybox:latest', registry: served.runtime.registry!.access });
    served.runtime.broker.on('delivered', ({ emitted }) => {
      for (const event of emitted) if (event.type === EventTypes.buildCompleted) completed.push(event.data as BuildCompletedData);
    });
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await smtp?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  /** Probes `/health/liveness` every 100 ms until stopped; the longest wait for an answer, in ms. */
  function probeLiveness(): { stop: () => Promise<{ answers: number; failures: number; longestMs: number }> } {
    let running = true;
    const result = { answers: 0, failures: 0, longestMs: 0 };
    const loop = (async () => {
      while (running) {
        const started = performance.now();
        const response = await fetch(`${served.server.url}/health/liveness`).catch(() => null);
        result.longestMs = Math.max(result.longestMs, performance.now() - started);
        if (response?.status === 200) result.answers += 1;
        else result.failures += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return result;
      },
    };
  }

  /** Posts `event` to the served door (what `kn event send` does) and waits until everything it caused has ended. */
  async function post(event: CloudEvent<unknown>): Promise<{ status: number; answer: string }> {
    const message = HTTP.binary(event);
    const { token } = await ingressTokenFor(served.runtime.context.config);
    const posted = await fetch(`${served.server.url}/`, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...ingressAuthorization(token) },
      body: message.body as string,
    });
    const answer = await posted.text();
    await served.runtime.broker.idle();
    return { status: posted.status, answer };
  }

  it('builds from a script printing a 150,000-letter line, a megabyte of a: and the secret in every form, and mails it: no form of the secret anywhere, the door alive throughout', async () => {
    const cause = Object.entries(FORMS)
      .map(([name, { leak }]) => `${name}: ${leak}`)
      .join(' ');
    const probe = probeLiveness();
    const { status } = await post(
      makeEvent(
        EventTypes.buildRequested,
        { project, entry: project, buildId: 'hostile-1', cause: { kind: 'manual', message: cause } },
        { source: '/test/attacker' },
      ),
    );
    const liveness = await probe.stop();

    expect(status).toEqual(202);
    expect(liveness.failures).toEqual(0);
    expect(liveness.answers).toBeGreaterThan(0);
    // A blocked event loop shows here: the quadratic expression held it for 33 s on 150,000 letters.
    expect(liveness.longestMs).toBeLessThan(5_000);
    expect(completed.map((data) => [data.buildId, data.status])).toEqual([['hostile-1', 'succeeded']]);
    const buildLog = (await served.runtime.context.store.get(completed[0]!.reports.log))!.body.toString('utf8');
    expect(buildLog).toContain('a'.repeat(1000));
    expect(buildLog).toContain(' inline *** ');
    expect(buildLog).toContain('a:a:a:a:a:');
    expect(buildLog).toContain('a://a://a://');
    expect(buildLog).toMatch(/^raw: \*\*\*$/m);
    expect(buildLog).toMatch(/^urlCredentials: https:\/\/\*\*\*@git\.example\.org\/x$/m);
    expect(traces(buildLog)).toEqual([]);
    // The cause becomes an image label, public to whoever pulls the image: redacted before it was cut to a label's length.
    const login = served.runtime.registry!.login!;
    const { stdout } = await exec('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${login.username}:${login.password}`,
      `docker://${completed[0]!.image!.ref}`,
    ]);
    const label = (JSON.parse(stdout) as { Labels: Record<string, string> }).Labels['org.centos.ccp.cause']!;
    expect(label.startsWith('raw: *** base64: *** basicAuth: ***')).toBe(true);
    expect(traces(label)).toEqual([]);
    const [mail] = await smtp.waitFor(1);
    const everything = `${mail!.raw}\n${mail!.parsed.text ?? ''}\n${String(mail!.parsed.html)}`;
    expect(mail!.parsed.subject).toEqual(`[${served.runtime.registry!.address}] SUCCESS: Container build hostile/printer:latest`);
    expect(mail!.parsed.text).toContain('Manual build: raw: *** base64: ***');
    expect(traces(everything)).toEqual([]);
    expect(traces(logs.join('\n'))).toEqual([]);
  }, 180_000);

  it('refuses a build.requested with a 900 KiB cause at the door, quickly and without echoing it', async () => {
    const probe = probeLiveness();
    const { status, answer } = await post(
      makeEvent(
        EventTypes.buildRequested,
        { project, entry: project, buildId: 'hostile-2', cause: { kind: 'manual', message: hostileCause() } },
        { source: '/test/attacker' },
      ),
    );
    const liveness = await probe.stop();
    expect(status).toEqual(400);
    expect((JSON.parse(answer) as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual(['data.cause.message']);
    expect(answer.length).toBeLessThan(4096);
    expect([liveness.failures, liveness.longestMs < 5_000]).toEqual([0, true]);
    expect(completed.map((data) => data.buildId)).not.toContain('hostile-2');
    expect(traces(logs.join('\n'))).toEqual([]);
  }, 60_000);

  it('mails texts of 900 KiB through real SMTP cut to 4096 characters and without any form of the secret', async () => {
    const settings = { ...loadMailSettings({}, smtpEnvOf(smtp), {}, []), secrets: configuredSecrets(served.runtime.context.config) };
    const transport = createMailTransport(settings)!;
    const text = hostileCause();
    const before = smtp.mails.length;
    try {
      await deliverMails(
        [
          {
            key: 'hostile',
            to: ['owner@example.com'],
            cc: [],
            records: [],
            headers: {},
            kind: 'build',
            about: [],
            document: { subject: 'hostile', status: 'FAILED', sections: [{ heading: 'Reason', rows: [['Reason', text]], items: [text, text] }] },
          },
        ],
        {
          store: served.runtime.context.store,
          log: createLogger({ write: () => undefined }),
          settings,
          transport,
          event: { id: 'hostile-mail-1', source: '/test/attacker', type: EventTypes.buildCompleted },
        },
      );
    } finally {
      transport.close();
    }
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const everything = `${mail!.raw}\n${mail!.parsed.text ?? ''}\n${String(mail!.parsed.html)}`;
    expect(mail!.parsed.text!.match(/cut to 4096\]/g)).toHaveLength(3);
    expect(mail!.raw.length).toBeLessThan(64 * 1024);
    expect(traces(everything)).toEqual([]);
  }, 60_000);
});

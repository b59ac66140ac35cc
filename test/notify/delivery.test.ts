import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { notifyFunction } from '../../functions/notify';
import { handle } from '../../functions/notify/handle';
import { packageRoot } from '../../shared/config/package-root';
import { S3ObjectStore } from '../../shared/store/s3-store';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { listDeadLetters } from '../../shared/runtime/dead-letter';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { testS3Settings, uniqueBucketName } from '../setup/s3-env';
import { completedBuild, entry, linksOf, notifyWorld } from './notify-fixture';
import { bareLineFeeds, mimeParts } from './mime-parts';
import { smtpEnvOf, startSmtpSink } from './smtp-sink';

const web = entry('team', 'web', ['dev@team.example.org']);

describe('notify: where mails and links go', () => {
  it('writes an .eml file per mail with --mail-to-dir (CCP_MAIL_TO_DIR), links to the report files', async () => {
    const world = await notifyWorld({}, [web], { configure: (config) => ({ ...config, mail: { ...config.mail!, toDir: path.join(config.dataDir, 'mail') } }) });
    const dir = path.join(world.config.dataDir, 'mail');
    await handle(
      await completedBuild(world.store, web, { buildId: '20261128T110000Z-0a0a0a0a0a', cause: { kind: 'first-build', message: 'x' } }),
      world.context,
    );
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{8}T\d{6}Z-SUCCESS-Container-build-team-web-latest-[0-9a-f]{8}\.eml$/);
    const parsed = await simpleParser(await readFile(path.join(dir, files[0]!)));
    expect(parsed.subject).toEqual('[registry.example.org:5000] SUCCESS: Container build team/web:latest');
    expect(parsed.text).toContain('First build: new index entry');
    const links = linksOf(typeof parsed.html === 'string' ? parsed.html : '', parsed.text ?? '');
    expect(links.html).toHaveLength(3);
    for (const url of links.html) expect((await readFile(new URL(url))).length).toBeGreaterThan(0);
  });

  it('writes .eml files with CRLF line ends only: headers, text part and HTML part', async () => {
    const world = await notifyWorld({}, [web], { configure: (config) => ({ ...config, mail: { ...config.mail!, toDir: path.join(config.dataDir, 'mail') } }) });
    const dir = path.join(world.config.dataDir, 'mail');
    await handle(
      await completedBuild(world.store, web, { buildId: '20261206T011000Z-0d0d0d0d0d', status: 'failed', reason: 'one\ntwo\rthree' }),
      world.context,
    );
    const [file] = await readdir(dir);
    const raw = await readFile(path.join(dir, file!), 'utf8');
    expect(bareLineFeeds(raw)).toEqual(0);
    const parts = mimeParts(raw);
    expect(parts.map((part) => part.contentType)).toEqual(['text/plain', 'text/html']);
    for (const part of parts) {
      expect(bareLineFeeds(part.body)).toEqual(0);
      expect(part.body.split('\r\n').length).toBeGreaterThan(10);
    }
    expect(parts[0]!.body).toContain('one\r\ntwo\r\nthree');
  });

  it('mails presigned links that open each report on the S3 store (Ceph radosgw) and expire as configured', async () => {
    const settings = testS3Settings(uniqueBucketName('notify-links'));
    const store = new S3ObjectStore(settings);
    await store.ensureBucket();
    const smtp = await startSmtpSink();
    try {
      const env = { ...smtpEnvOf(smtp), CCP_REPORT_LINK_LIFETIME: '3600' };
      const world = await notifyWorld(env, [web], { store, configure: (config) => ({ ...config, store: { kind: 's3', s3: settings } }) });
      await handle(await completedBuild(store, web, { buildId: '20261128T120000Z-0b0b0b0b0b', status: 'failed' }), world.context);
      const [mail] = await smtp.waitFor(1);
      const links = linksOf(typeof mail!.parsed.html === 'string' ? mail!.parsed.html : '', mail!.parsed.text ?? '');
      expect(links.html).toHaveLength(3);
      for (const url of links.html) {
        expect(new URL(url).searchParams.get('X-Amz-Expires')).toEqual('3600');
        const response = await fetch(url);
        expect(response.status).toEqual(200);
        const key = decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));
        expect(Buffer.from(await response.arrayBuffer())).toEqual((await store.get(key))!.body);
      }
      expect(mail!.raw).not.toContain(settings.secretAccessKey!);
    } finally {
      await smtp.close();
    }
  });
});

describe('notify behind the embedded broker', () => {
  it('retries with the backoff of the notify Trigger while the SMTP server is down, then dead-letters the event as retryable', async () => {
    const world = await notifyWorld({ CCP_SMTP_HOST: '127.0.0.1', CCP_SMTP_PORT: '9', CCP_SMTP_SECURE: 'none' }, [web]);
    const delays: number[] = [];
    const broker = new InProcessBroker({
      routes: await loadTriggers(path.join(packageRoot(), 'eventing')),
      functions: [notifyFunction],
      context: world.context,
      store: world.store,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await broker.publish(await completedBuild(world.store, web, { buildId: '20261128T130000Z-0c0c0c0c0c', status: 'failed' }));
    await broker.idle();
    expect(delays).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000]);
    const [letter] = await listDeadLetters(world.store, 'ccp-notify-build');
    expect(letter).toMatchObject({ function: 'notify', attempts: 9, retryable: true, error: { name: 'MailTransportError' } });
  });
});

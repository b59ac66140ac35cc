import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudEvent } from 'cloudevents';
import express from 'express';
import { ValidationError } from '../errors/validation-error';
import { EventTypes } from '../events/types';
import { validateEvent } from '../events/validate';
import { listen, type RunningServer } from '../host/listen';
import { silentLogger } from '../log/logger';
import { startLocalRegistry, type LocalRegistry } from './local-registry';
import { imagePushedEvents, REGISTRY_EVENTS_MEDIA_TYPE, registryNotificationRoutes } from './notifications';

const exec = promisify(execFile);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function pushOf(overrides: Record<string, unknown> = {}, target: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt-1',
    timestamp: '2026-11-28T05:00:00.123456789Z',
    action: 'push',
    target: {
      mediaType: OCI_MANIFEST,
      digest: DIGEST,
      repository: 'sample/base',
      tag: 'latest',
      url: 'http://127.0.0.1:5000/v2/sample/base/manifests/sha256:aaa',
      ...target,
    },
    request: { host: '127.0.0.1:5000', method: 'PUT' },
    ...overrides,
  };
}

describe('imagePushedEvents', () => {
  it('turns a tagged manifest push into image.pushed, with the notification id as event id', () => {
    const [event, ...rest] = imagePushedEvents({ events: [pushOf()] });
    expect(rest).toEqual([]);
    expect(() => validateEvent(event!)).not.toThrow();
    expect([event!.type, event!.id, event!.source, event!.subject, event!.time]).toEqual([
      EventTypes.imagePushed,
      'evt-1',
      '/ccp/registry',
      'sample/base:latest',
      '2026-11-28T05:00:00.123Z',
    ]);
    expect(event!.data).toEqual({ repository: 'sample/base', tag: 'latest', digest: DIGEST, mediaType: OCI_MANIFEST, registry: '127.0.0.1:5000' });
  });

  it.each([
    ['a pull', pushOf({ action: 'pull' })],
    ['a blob push', pushOf({}, { mediaType: 'application/octet-stream', tag: undefined })],
    ['a layer pushed with a tag but not a manifest', pushOf({}, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' })],
    ['an untagged manifest (pushed by digest)', pushOf({}, { tag: undefined })],
    ['a delete', pushOf({ action: 'delete' })],
  ])('ignores %s', (_name, item) => {
    expect(imagePushedEvents({ events: [item] })).toEqual([]);
  });

  it('takes the registry host from the request when the target has no URL', () => {
    expect(imagePushedEvents({ events: [pushOf({}, { url: undefined })] })[0]!.data!.registry).toEqual('127.0.0.1:5000');
  });

  it.each([
    ['no events list', { nope: 1 }, ['events']],
    ['an event without id and target', { events: [{ action: 'push' }] }, ['events[0].id', 'events[0].target']],
    ['a push without repository', { events: [pushOf({}, { repository: '' })] }, ['events[0].target.repository']],
    ['a push with a bad digest', { events: [pushOf({}, { digest: 'md5:xyz' })] }, ['events[0].target.digest']],
  ])('refuses %s, naming the fields', (_name, body, fields) => {
    try {
      imagePushedEvents(body);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((issue) => issue.field)).toEqual(fields);
    }
  });
});

describe('registryNotificationRoutes with the real registry', () => {
  let dir: string;
  let server: RunningServer;
  let registry: LocalRegistry;
  const published: CloudEvent<unknown>[] = [];
  let failNext = false;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-notify-reg-'));
    const app = express();
    // The routes need the registry's token, and the registry needs the server's URL: bound late.
    const late: { routes?: express.Router } = {};
    app.use('/registry', (request, response, next) => late.routes!(request, response, next));
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry'), notificationsUrl: `${server.url}/registry/notifications` });
    late.routes = registryNotificationRoutes({
      publish: async (event) => {
        if (failNext) {
          failNext = false;
          throw new Error('broker down');
        }
        published.push(event);
      },
      log: silentLogger,
      tokens: [registry.notifyToken],
    });
  }, 30_000);

  afterAll(async () => {
    await registry?.stop();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function waitFor(count: number): Promise<void> {
    for (let tries = 0; tries < 100 && published.length < count; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it('publishes image.pushed when buildah pushes an image, and nothing for its blobs', async () => {
    const storage = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'runroot'), '--storage-driver', 'vfs'];
    const container = (await exec('buildah', [...storage, 'from', '--quiet', 'scratch'])).stdout.trim();
    await exec('buildah', [...storage, 'config', '--label', 'test=notifications', container]);
    await exec('buildah', [...storage, 'commit', '--quiet', container, 'localhost/tiny:1']);
    const digestFile = path.join(dir, 'digest');
    await exec('buildah', [
      ...storage,
      'push',
      '--tls-verify=false',
      '--digestfile',
      digestFile,
      'localhost/tiny:1',
      `docker://${registry.address}/team/tiny:1`,
    ]);
    const digest = (await readFile(digestFile, 'utf8')).trim();
    await waitFor(1);
    expect(published.map((event) => [event.type, event.subject, (event.data as { digest: string }).digest])).toEqual([
      [EventTypes.imagePushed, 'team/tiny:1', digest],
    ]);
    expect((published[0]!.data as { registry: string }).registry).toEqual(registry.address);
  }, 60_000);

  it('publishes a repeated notification once, asks for a resend when publishing fails, and refuses garbage', async () => {
    published.length = 0;
    const post = (body: string): Promise<Response> =>
      fetch(`${server.url}/registry/notifications`, {
        method: 'POST',
        headers: { 'content-type': REGISTRY_EVENTS_MEDIA_TYPE, authorization: `Bearer ${registry.notifyToken}` },
        body,
      });
    const envelope = JSON.stringify({ events: [pushOf({ id: 'again-1' })] });
    failNext = true;
    expect((await post(envelope)).status).toEqual(500);
    expect(published).toEqual([]);
    const first = await post(envelope);
    expect([first.status, await first.json()]).toEqual([200, { published: 1, duplicates: 0 }]);
    const second = await post(envelope);
    expect([second.status, await second.json()]).toEqual([200, { published: 0, duplicates: 1 }]);
    expect(published.map((event) => event.id)).toEqual(['again-1']);
    const garbage = await post('{not json');
    expect(garbage.status).toEqual(400);
    expect(((await garbage.json()) as { errors: { field: string }[] }).errors.map((issue) => issue.field)).toEqual(['body']);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer not-the-token'],
    ['the token with a character changed', 'CHANGED'],
    ['the token as Basic credentials', 'BASIC'],
    ['the token and more', 'MORE'],
  ])('refuses a notification with %s: 401 JSON, nothing published', async (_case, header) => {
    published.length = 0;
    const token = registry.notifyToken!;
    const authorization =
      header === 'CHANGED'
        ? `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
        : header === 'BASIC'
          ? `Basic ${token}`
          : header === 'MORE'
            ? `Bearer ${token}x`
            : header;
    const answer = await fetch(`${server.url}/registry/notifications`, {
      method: 'POST',
      headers: { 'content-type': REGISTRY_EVENTS_MEDIA_TYPE, ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ events: [pushOf({ id: `forged-${String(header)}` })] }),
    });
    expect([answer.status, answer.headers.get('www-authenticate'), await answer.json(), published]).toEqual([
      401,
      'Bearer realm="ccp-registry-notifications"',
      { error: 'a registry notification needs its Bearer token' },
      [],
    ]);
  });

  it('writes the token only into a registry config that its owner alone may read', async () => {
    const config = path.join(dir, 'registry', 'config.yml');
    expect([(await stat(config)).mode & 0o777, (await readFile(config, 'utf8')).includes(`Bearer ${registry.notifyToken}`)]).toEqual([0o600, true]);
  });
});

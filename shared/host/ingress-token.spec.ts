import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { silentLogger } from '../log/logger';
import { ingressAuthorization, ingressTokenFor, requireIngressToken } from './ingress-token';
import { listen } from './listen';

const GENERATED = /^[A-Za-z0-9_-]{43}$/;

describe('ingressTokenFor', () => {
  const fresh = (): string => mkdtempSync(path.join(os.tmpdir(), 'ccp-ingress-token-'));
  const modeOf = (file: string): number => statSync(file).mode & 0o777;

  it('takes a configured CCP_INGRESS_TOKEN and writes no file', async () => {
    const dataDir = fresh();
    expect(await ingressTokenFor({ dataDir, ingressToken: 'configured-token-0123456789' })).toEqual({ token: 'configured-token-0123456789', file: null });
    expect(() => statSync(path.join(dataDir, 'ingress-token'))).toThrow('ENOENT');
  });

  it('generates one into <data-dir>/ingress-token (0600) and reuses it at the next start', async () => {
    const dataDir = path.join(fresh(), 'not-yet-made');
    const first = await ingressTokenFor({ dataDir });
    const second = await ingressTokenFor({ dataDir });
    const file = path.join(dataDir, 'ingress-token');
    expect([first.file, GENERATED.test(first.token), readFileSync(file, 'utf8'), modeOf(file), second]).toEqual([file, true, `${first.token}\n`, 0o600, first]);
  });

  it('resets a kept file readable by others to 0600', async () => {
    const dataDir = fresh();
    const kept = 'A'.repeat(43);
    writeFileSync(path.join(dataDir, 'ingress-token'), `${kept}\n`);
    chmodSync(path.join(dataDir, 'ingress-token'), 0o644);
    expect([(await ingressTokenFor({ dataDir })).token, modeOf(path.join(dataDir, 'ingress-token'))]).toEqual([kept, 0o600]);
  });

  it.each([
    ['an empty file', ''],
    ['a short token', 'abc\n'],
    ['a token with characters base64url has not', `${'A'.repeat(42)}=\n`],
    ['two tokens', `${'A'.repeat(43)}\n${'B'.repeat(43)}\n`],
  ])('replaces %s with a generated token', async (_name, content) => {
    const dataDir = fresh();
    writeFileSync(path.join(dataDir, 'ingress-token'), content, { mode: 0o600 });
    const { token } = await ingressTokenFor({ dataDir });
    expect([GENERATED.test(token), readFileSync(path.join(dataDir, 'ingress-token'), 'utf8')]).toEqual([true, `${token}\n`]);
  });

  it('replaces a planted symlink with a file of its own and leaves the target alone', async () => {
    const dataDir = fresh();
    const target = path.join(fresh(), 'target');
    writeFileSync(target, `${'T'.repeat(43)}\n`);
    symlinkSync(target, path.join(dataDir, 'ingress-token'));
    const { token } = await ingressTokenFor({ dataDir });
    expect([token === 'T'.repeat(43), lstatSync(path.join(dataDir, 'ingress-token')).isFile(), readFileSync(target, 'utf8')]).toEqual([
      false,
      true,
      `${'T'.repeat(43)}\n`,
    ]);
  });
});

describe('requireIngressToken', () => {
  const TOKEN = 'the-ingress-token-0123456789';

  it.each([
    ['no Authorization', {}, 401],
    ['a wrong token', ingressAuthorization('the-ingress-token-0123456780'), 401],
    ['a prefix of the token', ingressAuthorization('the-ingress-token'), 401],
    ['the token as Basic credentials', { authorization: `Basic ${TOKEN}` }, 401],
    ['the token', ingressAuthorization(TOKEN), 202],
    ['the token, scheme in lower case', { authorization: `bearer ${TOKEN}` }, 202],
  ])('%s: HTTP %s', async (_name, headers, status) => {
    const app = express();
    app.post('/', requireIngressToken(TOKEN, silentLogger), (_request, response) => void response.status(202).end());
    const server = await listen(app, { port: 0 });
    try {
      const response = await fetch(`${server.url}/`, { method: 'POST', headers, body: '{}' });
      const body = status === 401 ? await response.json() : null;
      expect([response.status, body, status === 401 ? response.headers.get('www-authenticate') : null]).toEqual([
        status,
        status === 401 ? { error: 'an event needs the ingress Bearer token (CCP_INGRESS_TOKEN, or the data dir file ingress-token)' } : null,
        status === 401 ? 'Bearer realm="ccp-ingress"' : null,
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses to be made with an empty token', () => {
    expect(() => requireIngressToken('', silentLogger)).toThrow('the ingress token is empty');
  });
});

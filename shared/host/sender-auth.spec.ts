import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createLogger } from '../log/logger';
import { listen, type RunningServer } from './listen';
import { senderAuth, senderAuthFromEnv, type SenderAuthSettings } from './sender-auth';

const ISSUER = 'https://kubernetes.default.svc';
const TRIGGER_SA = 'system:serviceaccount:ccp:ccp-build-oidc-eventing.knative.dev-trigger';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = Math.floor(Date.now() / 1000);

function jwk(key: KeyObject, kid: string): Record<string, unknown> {
  return { ...key.export({ format: 'jwk' }), kid, use: 'sig' };
}

/** A JWT as the API server's TokenRequest makes it: header, claims, signature by `key`. */
function token(claims: Record<string, unknown>, options: { key?: KeyObject; kid?: string; alg?: string } = {}): string {
  const alg = options.alg ?? 'RS256';
  const header = Buffer.from(JSON.stringify({ alg, kid: options.kid ?? 'rsa-1' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iss: ISSUER, aud: ['ccp-build'], sub: TRIGGER_SA, iat: NOW, nbf: NOW, exp: NOW + 3600, ...claims })).toString(
    'base64url',
  );
  const input = Buffer.from(`${header}.${body}`);
  const key = options.key ?? rsa.privateKey;
  const signature =
    alg === 'none' ? Buffer.from('unsigned') : alg.startsWith('ES') ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', input, key);
  return `${header}.${body}.${signature.toString('base64url')}`;
}

describe('senderAuth (a JWKS server on 127.0.0.1, tokens signed with node:crypto)', () => {
  let jwksServer: RunningServer;
  let app: RunningServer;
  let jwks: Record<string, unknown>[];
  let jwksRequests: string[];
  const logs: string[] = [];

  beforeAll(async () => {
    jwks = [jwk(rsa.publicKey, 'rsa-1'), jwk(ec.publicKey, 'ec-1')];
    jwksRequests = [];
    const issuer = express();
    issuer.get('/openid/v1/jwks', (request, response) => {
      jwksRequests.push(request.headers.authorization ?? '');
      response.json({ keys: jwks });
    });
    jwksServer = await listen(issuer, { port: 0, host: '127.0.0.1' });
    const tokenFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ccp-sender-auth-')), 'token');
    writeFileSync(tokenFile, 'reader-token\n');
    const settings: SenderAuthSettings = {
      expectations: { issuer: ISSUER, audience: 'ccp-build', subjects: ['system:serviceaccount:ccp:*-oidc-eventing.knative.dev-trigger'], leewaySeconds: 60 },
      jwks: { location: `${jwksServer.url}/openid/v1/jwks`, tokenFile },
    };
    const function_ = express();
    function_.post('/', senderAuth(settings, createLogger({ level: 'debug', write: (line) => logs.push(line) })), (_request, response) => {
      response.status(202).end();
    });
    app = await listen(function_, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await jwksServer?.close();
  });

  const post = async (authorization?: string): Promise<[number, string | undefined]> => {
    const response = await fetch(`${app.url}/`, { method: 'POST', headers: authorization ? { authorization } : {}, body: '{}' });
    const text = await response.text();
    return [response.status, text ? (JSON.parse(text) as { error: string }).error : undefined];
  };

  it.each([
    ['an RS256 token of a Trigger for this audience', `Bearer ${token({})}`, [202, undefined]],
    ['an ES256 token', `Bearer ${token({}, { key: ec.privateKey, kid: 'ec-1', alg: 'ES256' })}`, [202, undefined]],
    ['an audience list that holds ours', `Bearer ${token({ aud: ['other', 'ccp-build'] })}`, [202, undefined]],
    ['no Authorization header', undefined, [401, 'a bearer token of the Broker is required (Knative Eventing sender identity)']],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', [401, 'a bearer token of the Broker is required (Knative Eventing sender identity)']],
    ['a token for another function', `Bearer ${token({ aud: 'ccp-lint' })}`, [401, 'the token is not for the audience ccp-build']],
    ['an expired token', `Bearer ${token({ exp: NOW - 120 })}`, [401, 'the token has expired']],
    ['a token not valid yet', `Bearer ${token({ nbf: NOW + 600 })}`, [401, 'the token is not valid yet']],
    ['another issuer', `Bearer ${token({ iss: 'https://evil.example.org' })}`, [401, "the token's issuer is not https://kubernetes.default.svc"]],
    [
      "another ServiceAccount of the namespace (the build Jobs')",
      `Bearer ${token({ sub: 'system:serviceaccount:ccp:ccp-build-job' })}`,
      [401, 'the token\'s subject "system:serviceaccount:ccp:ccp-build-job" is not an allowed sender'],
    ],
    [
      'a look-alike of the pattern (dots are no wildcards)',
      `Bearer ${token({ sub: 'system:serviceaccount:ccp:x-oidc-eventingXknative.dev-trigger' })}`,
      [401, 'the token\'s subject "system:serviceaccount:ccp:x-oidc-eventingXknative.dev-trigger" is not an allowed sender'],
    ],
    [
      'a ServiceAccount of another namespace',
      `Bearer ${token({ sub: 'system:serviceaccount:attacker:default' })}`,
      [401, 'the token\'s subject "system:serviceaccount:attacker:default" is not an allowed sender'],
    ],
    ['a token signed by another key under our key id', `Bearer ${token({}, { key: stranger.privateKey })}`, [401, 'the token signature does not verify']],
    ['an unsigned token (alg none)', `Bearer ${token({}, { alg: 'none' })}`, [401, 'the token\'s algorithm "none" is not accepted']],
    ['an HMAC token (HS256)', `Bearer ${token({}, { alg: 'HS256' })}`, [401, 'the token\'s algorithm "HS256" is not accepted']],
    [
      'an RSA signature presented as ES256',
      `Bearer ${token({}, { kid: 'rsa-1', alg: 'ES256', key: ec.privateKey })}`,
      [401, 'no key of the issuer has the token\'s key id "rsa-1"'],
    ],
    [
      'a changed payload',
      `Bearer ${token({}).replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: 'ccp-build', sub: TRIGGER_SA, exp: NOW + 9999 })).toString('base64url')}.`)}`,
      [401, 'the token signature does not verify'],
    ],
    ['no JWT at all', 'Bearer not-a-jwt', [401, 'the token is not a compact JWT']],
  ])('%s', async (_case, authorization, expected) => {
    expect(await post(authorization)).toEqual(expected);
  });

  it('reads the keys with the bearer token of its token file, and never logs a token', async () => {
    const sent = token({});
    await post(`Bearer ${sent}`);
    expect([jwksRequests[0], logs.some((line) => line.includes(sent.split('.')[2]!))]).toEqual(['Bearer reader-token', false]);
  });

  it('reads the keys again for a key id it does not know (a rotated key), at most every 30 s', async () => {
    let clock = Date.now();
    const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issuer = express();
    let served = [jwk(rsa.publicKey, 'rsa-1')];
    let reads = 0;
    issuer.get('/jwks', (_request, response) => {
      reads += 1;
      response.json({ keys: served });
    });
    const keysServer = await listen(issuer, { port: 0, host: '127.0.0.1' });
    const function_ = express();
    const settings: SenderAuthSettings = {
      expectations: { issuer: ISSUER, audience: 'ccp-build', subjects: [TRIGGER_SA], leewaySeconds: 60 },
      jwks: { location: `${keysServer.url}/jwks` },
    };
    function_.post(
      '/',
      senderAuth(settings, createLogger({ write: () => undefined }), () => clock),
      (_request, response) => void response.status(202).end(),
    );
    const server = await listen(function_, { port: 0, host: '127.0.0.1' });
    const send = async (jwt: string): Promise<number> =>
      (await fetch(`${server.url}/`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } })).status;
    try {
      const first = await send(token({}));
      served = [jwk(rsa.publicKey, 'rsa-1'), jwk(rotated.publicKey, 'rsa-2')];
      const tooSoon = await send(token({}, { key: rotated.privateKey, kid: 'rsa-2' }));
      clock += 31_000;
      const later = await send(token({}, { key: rotated.privateKey, kid: 'rsa-2' }));
      const forged = await send(token({}, { key: stranger.privateKey, kid: 'rsa-9' }));
      expect([first, tooSoon, later, forged, reads]).toEqual([202, 401, 202, 401, 2]);
    } finally {
      await server.close();
      await keysServer.close();
    }
  });

  it('answers 503 when the keys cannot be read, so the broker retries', async () => {
    const function_ = express();
    const settings: SenderAuthSettings = {
      expectations: { issuer: ISSUER, audience: 'ccp-build', subjects: [TRIGGER_SA], leewaySeconds: 60 },
      jwks: { location: '/nonexistent/jwks.json' },
    };
    function_.post('/', senderAuth(settings, createLogger({ write: () => undefined })), (_request, response) => void response.status(202).end());
    const server = await listen(function_, { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${server.url}/`, { method: 'POST', headers: { authorization: `Bearer ${token({})}` } });
      expect(response.status).toEqual(503);
    } finally {
      await server.close();
    }
  });
});

describe('senderAuthFromEnv', () => {
  it.each([
    ['unset: off', {}, null],
    [
      'oidc with the issuer only',
      { CCP_SENDER_AUTH: 'oidc', CCP_OIDC_ISSUER: ISSUER },
      {
        expectations: { issuer: ISSUER, audience: 'ccp-build', subjects: ['system:serviceaccount:ccp:*-oidc-eventing.knative.dev-trigger'], leewaySeconds: 60 },
        jwks: { location: `${ISSUER}/openid/v1/jwks` },
      },
    ],
    [
      'oidc with every variable',
      {
        CCP_SENDER_AUTH: 'oidc',
        CCP_OIDC_ISSUER: ISSUER,
        CCP_OIDC_JWKS: '/etc/ccp/jwks.json',
        CCP_OIDC_JWKS_TOKEN_FILE: '/var/run/secrets/tokens/jwks',
        CCP_OIDC_AUDIENCE: 'build',
        CCP_OIDC_SUBJECTS: `${TRIGGER_SA}, system:serviceaccount:ccp:ccp-build-oidc-*`,
      },
      {
        expectations: { issuer: ISSUER, audience: 'build', subjects: [TRIGGER_SA, 'system:serviceaccount:ccp:ccp-build-oidc-*'], leewaySeconds: 60 },
        jwks: { location: '/etc/ccp/jwks.json', tokenFile: '/var/run/secrets/tokens/jwks' },
      },
    ],
  ])('%s', (_case, env, expected) => {
    expect(senderAuthFromEnv(env, 'build')).toEqual(expected);
  });

  it.each([
    ['an unknown mode', { CCP_SENDER_AUTH: 'jwt' }, 'CCP_SENDER_AUTH'],
    ['no issuer', { CCP_SENDER_AUTH: 'oidc' }, 'CCP_OIDC_ISSUER'],
    ['any subject', { CCP_SENDER_AUTH: 'oidc', CCP_OIDC_ISSUER: ISSUER, CCP_OIDC_SUBJECTS: '*' }, 'CCP_OIDC_SUBJECTS'],
  ])('refuses %s', (_case, env, field) => {
    expect(() => senderAuthFromEnv(env, 'build')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field })] }));
  });
});

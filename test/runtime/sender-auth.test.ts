import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HTTP } from 'cloudevents';
import { buildRequested, relayFunction, testContext } from '../support/test-functions';
import { serveFunctionFromEnv } from '../../shared/host/serve-from-env';
import { type RunningServer } from '../../shared/host/listen';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';

/**
 * The container entry with `CCP_SENDER_AUTH=oidc`: a CloudEvent reaches the function only with a
 * token as Knative Eventing's broker filter sends it (the Trigger's OIDC ServiceAccount, the
 * subscriber's audience), signed by a key of the issuer's JWKS (a file here, as a ConfigMap holds it).
 */
const ISSUER = 'https://kubernetes.default.svc';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

function token(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1' })).toString('base64url');
  const body = Buffer.from(
    JSON.stringify({
      iss: ISSUER,
      aud: ['ccp-relay'],
      sub: 'system:serviceaccount:ccp:ccp-relay-oidc-eventing.knative.dev-trigger',
      iat: now,
      exp: now + 600,
      ...claims,
    }),
  ).toString('base64url');
  return `${header}.${body}.${sign('sha256', Buffer.from(`${header}.${body}`), keys.privateKey).toString('base64url')}`;
}

describe('serveFunctionFromEnv with CCP_SENDER_AUTH=oidc (integration, 127.0.0.1)', () => {
  let server: RunningServer;
  const relay = relayFunction();

  beforeAll(async () => {
    const jwks = path.join(mkdtempSync(path.join(os.tmpdir(), 'ccp-jwks-')), 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' }] }));
    server = await serveFunctionFromEnv({
      functions: [relay],
      createContext: () => testContext(new TempObjectStore()),
      env: { FUNCTION: 'relay', PORT: '0', HOST: '127.0.0.1', CCP_SENDER_AUTH: 'oidc', CCP_OIDC_ISSUER: ISSUER, CCP_OIDC_JWKS: jwks },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const post = async (id: string, authorization?: string): Promise<number> => {
    const message = HTTP.binary(buildRequested(id));
    const headers = { ...(message.headers as Record<string, string>), ...(authorization ? { authorization } : {}) };
    return (await fetch(server.url, { method: 'POST', headers, body: message.body as string })).status;
  };

  it('hands the handler only events with the Broker token for its audience', async () => {
    const statuses = [
      await post('no-token'),
      await post('other-audience', `Bearer ${token({ aud: 'ccp-build' })}`),
      await post('other-namespace', `Bearer ${token({ sub: 'system:serviceaccount:tenant:default' })}`),
      await post('from-broker', `Bearer ${token({})}`),
    ];
    expect([statuses, relay.received.map((event) => event.id)]).toEqual([[401, 401, 401, 200], ['from-broker']]);
  });

  it('leaves the health probes open (the kubelet sends no token)', async () => {
    expect((await fetch(`${server.url}/health/readiness`)).status).toEqual(200);
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseImageReference } from '../registry/reference';
import { RegistryClient } from '../registry/registry-client';
import {
  extensionSignaturesPath,
  listRegistrySignatures,
  MAX_SIGNATURE_LIST_BYTES,
  putRegistrySignature,
  registrySupportsSignatures,
  RegistrySignaturesError,
} from './registry-signatures';
import { SigningError } from './simple-signing';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const SIGNATURE = Buffer.from('an OpenPGP message');

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/**
 * The extension's client against a registry on 127.0.0.1 whose answers each case chooses: what a
 * hostile or broken registry can send must end as an answer ccp states, never a crash or a
 * signature it did not send.
 */
describe('the signatures API extension, client side', () => {
  let server: Server;
  let address: string;
  let handler: Handler;
  const seen: { method: string; url: string; authorization?: string; body: string }[] = [];
  const client = new RegistryClient({ credentials: { username: 'ccp', password: 'secret' } });
  const ref = (): ReturnType<typeof parseImageReference> => parseImageReference(`${address}/team/app:latest`);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          body: body.toString('utf8'),
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        });
        handler(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen.length = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    ['200 with the header', 200, '1', true],
    ['401 with the header (a registry that wants a login)', 401, '1', true],
    ['the header saying 0', 200, '0', false],
    ['no header', 200, undefined, false],
    ['a 404 with the header', 404, '1', false],
  ])('reads the /v2/ answer: %s (status %i, header %s) advertises the extension: %s', async (_name, status, header, expected) => {
    handler = (_request, _body, response) => response.writeHead(status, header ? { 'x-registry-supports-signatures': header } : {}).end();
    expect(await registrySupportsSignatures(client, address)).toBe(expected);
    expect(seen).toEqual([{ method: 'GET', url: '/v2/', body: '' }]);
  });

  it.each([
    ['an empty list Go left null', { signatures: null }, []],
    ['no signatures member', {}, []],
    [
      'entries of another schema version or type skipped',
      {
        signatures: [
          { schemaVersion: 1, name: `${DIGEST}@1`, type: 'atomic', content: 'AAAA' },
          { schemaVersion: 2, name: `${DIGEST}@2`, type: 'cosign', content: 'AAAA' },
          { schemaVersion: 2, name: `${DIGEST}@3`, type: 'atomic', content: SIGNATURE.toString('base64') },
        ],
      },
      [SIGNATURE],
    ],
    [
      'malformed entries skipped',
      {
        signatures: [
          { schemaVersion: '2', name: `${DIGEST}@1`, type: 'atomic', content: 'AAAA' },
          { schemaVersion: 2, name: 7, type: 'atomic', content: 'AAAA' },
          { schemaVersion: 2, name: `${DIGEST}@3`, type: 'atomic', content: 'not base64!' },
          null,
          'text',
          { schemaVersion: 2, name: `${DIGEST}@4`, type: 'atomic', content: SIGNATURE.toString('base64') },
        ],
      },
      [SIGNATURE],
    ],
  ])('lists the signatures of a manifest: %s', async (_name, document, expected) => {
    handler = (_request, _body, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    const list = await listRegistrySignatures(client, ref(), DIGEST);
    expect(list.signatures).toEqual(expected);
    expect(list.url).toBe(`http://${address}/extensions/v2/team/app/signatures/${DIGEST}`);
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([`GET /extensions/v2/team/app/signatures/${DIGEST}`]);
  });

  it.each([
    ['an answer other than 200', (response: ServerResponse) => response.writeHead(404).end(), 'answered 404'],
    ['not JSON', (response: ServerResponse) => response.writeHead(200).end('<html>'), 'is not JSON'],
    ['signatures not a list', (response: ServerResponse) => response.writeHead(200).end('{"signatures":"all good"}'), 'has no signatures array'],
    [
      'a list over 4 MiB',
      (response: ServerResponse) => response.writeHead(200, { 'content-length': String(MAX_SIGNATURE_LIST_BYTES + 1) }).end(),
      `over the ${MAX_SIGNATURE_LIST_BYTES}-byte bound`,
    ],
  ])('refuses %s with a RegistrySignaturesError', async (_name, answer, message) => {
    handler = (_request, _body, response) => answer(response);
    const listed = listRegistrySignatures(client, ref(), DIGEST);
    await expect(listed).rejects.toBeInstanceOf(RegistrySignaturesError);
    await expect(listed).rejects.toThrow(message);
  });

  it('PUTs a schema-2 atomic signature under a new name, with a push token for the repository', async () => {
    handler = (request, _body, response) => {
      if (request.url?.startsWith('/token')) response.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"push-token"}');
      else if (request.headers.authorization !== 'Bearer push-token')
        response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${address}/token",service="registry"` }).end();
      else response.writeHead(201).end();
    };
    const name = await putRegistrySignature(client, ref(), DIGEST, SIGNATURE, [`${DIGEST}@${'0'.repeat(32)}`]);
    expect(name).toMatch(new RegExp(`^${DIGEST}@[0-9a-f]{32}$`));
    const token = seen.find((request) => request.url.startsWith('/token'))!;
    expect(new URL(token.url, 'http://x').searchParams.get('scope')).toBe('repository:team/app:pull,push');
    expect(token.authorization).toBe(`Basic ${Buffer.from('ccp:secret').toString('base64')}`);
    const put = seen.filter((request) => request.method === 'PUT').at(-1)!;
    expect(put.url).toBe(`/extensions/v2/team/app/signatures/${DIGEST}`);
    expect(JSON.parse(put.body)).toEqual({ schemaVersion: 2, name, type: 'atomic', content: SIGNATURE.toString('base64') });
  });

  it('says what the registry answered when it refuses the PUT', async () => {
    handler = (_request, _body, response) => response.writeHead(403).end('{"errors":[{"code":"DENIED"}]}');
    await expect(putRegistrySignature(client, ref(), DIGEST, SIGNATURE)).rejects.toThrow(
      `the registry refused the signature at http://${address}/extensions/v2/team/app/signatures/${DIGEST} (HTTP 403: {"errors":[{"code":"DENIED"}]})`,
    );
  });

  it.each(['sha256:abc', `sha512:${'a'.repeat(128)}`, `${DIGEST}/../../v2`])('refuses to build a path for the digest %s', (digest) => {
    expect(() => extensionSignaturesPath('team/app', digest)).toThrow(SigningError);
  });
});

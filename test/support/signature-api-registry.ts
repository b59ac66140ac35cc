import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One signature as the extension stores it (containers/image's `extensionSignature`). */
export interface StoredSignature {
  schemaVersion: number;
  name: string;
  type: string;
  content: string;
}

/** A request the front saw: method, path, and its answer's status. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number;
}

export interface SignatureApiRegistry {
  /** `127.0.0.1:PORT`: what image references name. */
  address: string;
  /** Every request, in order of answer. */
  readonly requests: SeenRequest[];
  /** The signatures stored per `<repository>@<digest>`. */
  readonly signatures: Map<string, StoredSignature[]>;
  /** Answer every extension PUT with this status instead of storing (a registry that refuses). */
  refusePuts(status: number | null): void;
  close(): Promise<void>;
}

export interface SignatureApiRegistryOptions {
  /** `127.0.0.1:PORT` of the real registry every other request goes to. */
  upstream: string;
  /** Whether `/v2/` advertises the extension (`X-Registry-Supports-Signatures: 1`); true by default. */
  advertise?: boolean;
  /** The Basic login the extension asks for (the upstream registry's own); none: anonymous. */
  login?: { username: string; password: string };
}

const EXTENSION = /^\/extensions\/v2\/(.+)\/signatures\/(sha256:[0-9a-f]{64})$/;
const MAX_BODY = 1024 * 1024;

/**
 * A registry with OpenShift's signatures API extension, for tests: on 127.0.0.1, in front of a
 * real docker-registry (every `/v2/` request proxied as is, the `/v2/` answer advertising the
 * extension), and serving `GET`/`PUT /extensions/v2/<repository>/signatures/<digest>` itself from
 * memory, as openshift/image-registry's signature dispatcher answers: GET 200 `{"signatures":[…]}`
 * (an empty list for a digest it holds no signature of; OpenShift answers 404 for an image it does
 * not hold), PUT 201 for a `schemaVersion` 2 entry named `<digest>@<name>`, 400 for another body,
 * 409 for a name already taken, 401 with a Basic challenge without the login.
 * @see https://github.com/openshift/image-registry/blob/master/pkg/dockerregistry/server/signaturedispatcher.go
 * @see https://github.com/containers/image/blob/main/docker/docker_client.go
 */
export async function startSignatureApiRegistry(options: SignatureApiRegistryOptions): Promise<SignatureApiRegistry> {
  const requests: SeenRequest[] = [];
  const signatures = new Map<string, StoredSignature[]>();
  let refusal: number | null = null;
  const advertise = options.advertise ?? true;

  const answer = (request: IncomingMessage, response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', status });
    response.writeHead(status, { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const authorized = (request: IncomingMessage): boolean => {
    if (!options.login) return true;
    const expected = `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString('base64')}`;
    return request.headers.authorization === expected;
  };

  const extension = async (request: IncomingMessage, response: ServerResponse, repository: string, digest: string): Promise<void> => {
    if (!authorized(request)) return answer(request, response, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="registry"' });
    const key = `${repository}@${digest}`;
    const stored = signatures.get(key) ?? [];
    if (request.method === 'GET') return answer(request, response, 200, { signatures: stored });
    if (request.method !== 'PUT') return answer(request, response, 405);
    const body = await readBody(request);
    if (refusal !== null) return answer(request, response, refusal, { errors: [{ code: 'DENIED', message: 'signatures are not accepted here' }] });
    let entry: StoredSignature;
    try {
      entry = JSON.parse(body.toString('utf8')) as StoredSignature;
    } catch {
      return answer(request, response, 400, { errors: [{ code: 'BAD_REQUEST', message: 'not JSON' }] });
    }
    const valid =
      entry.schemaVersion === 2 &&
      typeof entry.type === 'string' &&
      typeof entry.content === 'string' &&
      typeof entry.name === 'string' &&
      entry.name.startsWith(`${digest}@`) &&
      entry.name.length > digest.length + 1;
    if (!valid) return answer(request, response, 400, { errors: [{ code: 'BAD_REQUEST', message: 'not a signature' }] });
    if (stored.some((existing) => existing.name === entry.name)) return answer(request, response, 409, { errors: [{ code: 'CONFLICT' }] });
    signatures.set(key, [...stored, { schemaVersion: entry.schemaVersion, name: entry.name, type: entry.type, content: entry.content }]);
    return answer(request, response, 201);
  };

  const proxy = (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: Number(options.upstream.split(':')[1]), method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        const headers = { ...upstreamResponse.headers };
        if (advertise && /^\/v2\/?$/.test(request.url ?? '')) headers['x-registry-supports-signatures'] = '1';
        requests.push({ method: request.method ?? '', path: request.url ?? '', status: upstreamResponse.statusCode ?? 0 });
        response.writeHead(upstreamResponse.statusCode ?? 502, headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => answer(request, response, 502));
    request.pipe(upstream);
  };

  const server = createServer((request, response) => {
    const match = EXTENSION.exec(request.url ?? '');
    // Without the extension the path is the upstream's: docker-registry answers 404 there.
    if (match && advertise) {
      extension(request, response, match[1]!, match[2]!).catch(() => answer(request, response, 500));
      return;
    }
    proxy(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    requests,
    signatures,
    refusePuts: (status) => {
      refusal = status;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Module from 'node:module';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { KubernetesBuilderOptions, KubernetesClientModule } from '../kubernetes-builder';

/**
 * `@kubernetes/client-node` for tests. It is ES modules only: Jest on Node 20 can neither
 * `import()` it (that needs `--experimental-vm-modules`) nor `require` it (its own `require`
 * does ES modules from Node 24.9 on). Node's loader can (`require(esm)`, Node 20.19+), so the
 * fixture asks it directly; the backend itself uses `import()`.
 */
export function kubernetesClient(): KubernetesClientModule {
  const loader = Module as unknown as { _load(request: string, parent: null): unknown };
  return loader._load(require.resolve('@kubernetes/client-node'), null) as KubernetesClientModule;
}

/** One request the client sent. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

/**
 * A stand-in Kubernetes API server on 127.0.0.1 (none can run here): records every request
 * and answers Job creation (201, then 409 for a name it has, 403 in namespace `forbidden`), pod lists by `job-name` label
 * and pod logs from what the test put in `pods` and `logs`.
 */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, unknown>();
  readonly pods = new Map<string, unknown[]>();
  /** `<pod>/<container>` → log text. */
  readonly logs = new Map<string, string>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: text ? (JSON.parse(text) as unknown) : undefined,
          authorization: request.headers.authorization,
        };
        this.requests.push(recorded);
        const [status, body, type] = this.answer(recorded);
        response.writeHead(status, { 'content-type': type });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Options for `createKubernetesBuilder` that talk to this server. */
  builderOptions(): KubernetesBuilderOptions {
    return { kubeConfig: this.kubeConfig(), client: kubernetesClient() };
  }

  /** A client configuration that talks to this server with a bearer token. */
  kubeConfig(): KubeConfig {
    const config = new (kubernetesClient().KubeConfig)();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'builder', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'builder' }],
      currentContext: 'fake',
    });
    return config;
  }

  private answer(request: RecordedRequest): [number, unknown, string] {
    const json = 'application/json';
    let match = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/.exec(request.path);
    if (match && request.method === 'POST') {
      if (match[1] === 'forbidden')
        return [403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', message: 'jobs.batch is forbidden', code: 403 }, json];
      const name = (request.body as { metadata: { name: string } }).metadata.name;
      if (this.jobs.has(name))
        return [
          409,
          { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', message: `jobs.batch "${name}" already exists`, code: 409 },
          json,
        ];
      this.jobs.set(name, request.body);
      return [201, request.body, json];
    }
    match = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(request.path);
    if (match && request.method === 'GET') {
      const jobName = (request.query.labelSelector ?? '').replace(/^job-name=/, '');
      return [200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.pods.get(jobName) ?? [] }, json];
    }
    match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(request.path);
    if (match && request.method === 'GET') {
      const log = this.logs.get(`${match[2]}/${request.query.container}`);
      return log === undefined ? [404, { kind: 'Status', code: 404, message: 'no log' }, json] : [200, log, 'text/plain'];
    }
    return [404, { kind: 'Status', code: 404, message: `no route ${request.method} ${request.path}` }, json];
  }
}

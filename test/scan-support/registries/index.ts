import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { npmAnswer, pypiAnswer, rubygemsAnswer, type Answer } from './answers';
import type { RegistryCatalog } from './catalog';

export type { RegistryCatalog } from './catalog';

/** One local registry: its base URL, the paths it was asked for, and how to stop it. */
export interface LocalPackageRegistry {
  url: string;
  /** Request paths, in arrival order (`/pypi/requests/json`). */
  requests: string[];
  stop(): Promise<void>;
}

export interface LocalPackageRegistries {
  pypi: LocalPackageRegistry;
  npm: LocalPackageRegistry;
  rubygems: LocalPackageRegistry;
  /** Base URLs in the shape `ScanEnvironment.registries` takes. */
  urls: { pypi: string; npm: string; rubygems: string };
  stop(): Promise<void>;
}

/**
 * Starts a PyPI JSON API, an npm registry and a rubygems API on 127.0.0.1 (free ports), each
 * answering from `catalog` in the real registry's shapes, so the scanners are tested against
 * what they will meet. The catalog may be changed while they run.
 */
export async function startPackageRegistries(catalog: RegistryCatalog): Promise<LocalPackageRegistries> {
  const [pypi, npm, rubygems] = await Promise.all([
    startRegistry((path) => pypiAnswer(catalog, path)),
    startRegistry((path) => npmAnswer(catalog, path)),
    startRegistry((path) => rubygemsAnswer(catalog, path)),
  ]);
  return {
    pypi,
    npm,
    rubygems,
    urls: { pypi: pypi.url, npm: npm.url, rubygems: rubygems.url },
    stop: async () => {
      await Promise.all([pypi.stop(), npm.stop(), rubygems.stop()]);
    },
  };
}

/** A server that answers every GET with `answer(path)` as JSON. */
export async function startRegistry(answer: (path: string) => Answer): Promise<LocalPackageRegistry> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    // Not a question to a package registry: test/hostile's registry attack probes every port on the host with `GET /v2/_catalog`.
    if (!path.startsWith('/v2/')) requests.push(path);
    const { status, body } = request.method === 'GET' ? answer(path) : { status: 405, body: { error: 'method not allowed' } };
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The URL of a registry that is down: a port that was just free on 127.0.0.1, closed again. */
export async function downRegistryUrl(): Promise<string> {
  const registry = await startRegistry(() => ({ status: 500, body: null }));
  await registry.stop();
  return registry.url;
}

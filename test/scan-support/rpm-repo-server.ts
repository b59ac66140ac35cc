import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

/** Requests and bytes the server answered, for benchmarks and repo-tracking tests. */
export interface RepoServerStats {
  requests: number;
  bytes: number;
  /** Paths requested, in order. */
  paths: string[];
}

export interface RpmRepoServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  stats: RepoServerStats;
  /** Sets the counters back to zero. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Serves a folder of yum repositories (as createrepo_c writes them) over HTTP on 127.0.0.1, read
 * only, with Content-Length and ETag, counting requests and bytes. `404` for anything missing.
 * @see https://docs.pulpproject.org/en/2.18/plugins/pulp_rpm/tech-reference/yum-plugins.html
 */
export async function startRpmRepoServer(root: string): Promise<RpmRepoServer> {
  const stats: RepoServerStats = { requests: 0, bytes: 0, paths: [] };
  const base = path.resolve(root);
  const server: Server = createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    // Not a question to a yum repository: test/hostile's registry attack probes every port on the host with `GET /v2/_catalog`.
    if (!urlPath.startsWith('/v2/')) {
      stats.requests += 1;
      stats.paths.push(urlPath);
    }
    const file = path.join(base, path.normalize(urlPath));
    if (!file.startsWith(base)) return void response.writeHead(403).end();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
        response.writeHead(200, { 'content-length': info.size, etag, 'content-type': 'application/octet-stream' });
        if (request.method === 'HEAD') return void response.end();
        stats.bytes += info.size;
        createReadStream(file).pipe(response);
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    reset: () => {
      stats.requests = 0;
      stats.bytes = 0;
      stats.paths = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from 'express';
import { answerClientError } from './http-common';

/** A server that is listening, and how to stop it. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  /** Stops accepting, drops idle keep-alive connections, and resolves when closed. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** 0 picks a free port. */
  port?: number;
  /** `127.0.0.1` by default; a container passes `0.0.0.0`. */
  host?: string;
}

/**
 * Serves `app` on `host:port`; rejects when the port cannot be bound. What the HTTP parser refuses
 * is answered as JSON ({@link answerClientError}).
 * @see https://nodejs.org/docs/latest-v20.x/api/http.html#serverlisten
 */
export function listen(app: Application, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(app);
  // Oversized headers, unknown methods, broken request lines: JSON, not Node's bare status line.
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}

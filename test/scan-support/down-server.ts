import { createServer, type Server } from 'node:net';

/**
 * A port on 127.0.0.1 that accepts connections and drops them at once: a repository that is
 * down. Holding the port (rather than picking a closed one) means no other test can take it.
 */
export async function startDownServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import yazl from 'yazl';

/** One request the mirror answered: its path, the validators it carried, the status given. */
export interface MirrorRequest {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  status: number;
  /** Body bytes sent (0 for a 304). */
  bytes: number;
}

export interface OsvMirror {
  /** `http://127.0.0.1:PORT`, the base a setting names. */
  url: string;
  requests: MirrorRequest[];
  /** Serves `body` at `/<ecosystem>/all.zip` from now on, with a new ETag and Last-Modified. */
  publish(ecosystem: string, body: Buffer): void;
  /** Answers `/<ecosystem>/all.zip` with this status (and no body) until published again. */
  fail(ecosystem: string, status: number): void;
  close(): Promise<void>;
}

/**
 * A zip of OSV records, one `<id>.json` per record, as osv.dev's `all.zip` exports are laid out;
 * `extra` adds other entries as they are (a folder when the name ends in `/`, a README).
 * @see https://google.github.io/osv.dev/data/#data-dumps
 */
export async function osvZip(records: Record<string, unknown>[], extra: Record<string, Buffer | string> = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const record of records) zip.addBuffer(Buffer.from(JSON.stringify(record)), `${String(record.id)}.json`);
  for (const [name, body] of Object.entries(extra)) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name);
    else zip.addBuffer(Buffer.from(body), name);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A mirror of OSV exports on 127.0.0.1, as a bucket serves them: `GET /<ecosystem>/all.zip` with
 * a strong ETag and Last-Modified, `304 Not Modified` when `If-None-Match` names the current
 * ETag (or, without one, `If-Modified-Since` is not older than Last-Modified), `404` for an
 * ecosystem not published. Every request is recorded.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-if-none-match
 */
export async function startOsvMirror(): Promise<OsvMirror> {
  const files = new Map<string, { body: Buffer; etag: string; lastModified: string } | { status: number }>();
  const requests: MirrorRequest[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const server: Server = createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const record = (status: number, bytes = 0): void => {
      // Not a question to the mirror: test/hostile's registry attack probes every port on the host with `GET /v2/_catalog`.
      if (urlPath.startsWith('/v2/')) return;
      requests.push({ path: urlPath, ...(ifNoneMatch ? { ifNoneMatch } : {}), ...(ifModifiedSince ? { ifModifiedSince } : {}), status, bytes });
    };
    const file = files.get(urlPath);
    if (!file) {
      record(404);
      return void response.writeHead(404).end();
    }
    if ('status' in file) {
      record(file.status);
      return void response.writeHead(file.status).end();
    }
    const notModified =
      ifNoneMatch !== undefined ? ifNoneMatch === file.etag : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(file.lastModified);
    if (notModified) {
      record(304);
      return void response.writeHead(304, { etag: file.etag, 'last-modified': file.lastModified }).end();
    }
    record(200, file.body.length);
    response.writeHead(200, { 'content-type': 'application/zip', 'content-length': file.body.length, etag: file.etag, 'last-modified': file.lastModified });
    response.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pathOf = (ecosystem: string): string => `/${ecosystem}/all.zip`;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    publish(ecosystem, body) {
      clock += 60_000;
      files.set(pathOf(ecosystem), {
        body,
        etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`,
        lastModified: new Date(clock).toUTCString(),
      });
    },
    fail(ecosystem, status) {
      files.set(pathOf(ecosystem), { status });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createHash } from 'node:crypto';
import { osvExportKey, osvSourceKey } from '../store/keys';
import type { ObjectStore } from '../store/types';
import { ecosystemSlug } from './ecosystems';
import { OsvArchiveError, OsvFetchError } from './errors';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip';
import type yauzlTypes from 'yauzl';
import { yauzl } from '../lazy/packages';

/** What `source.json` records of the export kept for an ecosystem. */
export interface OsvSourceState {
  ecosystem: string;
  /** The URL that served it (after rewriting). */
  url: string;
  etag?: string;
  lastModified?: string;
  /** When it was downloaded, and when the mirror was last asked (a 304 moves only this). */
  fetchedAt: string;
  checkedAt: string;
  bytes: number;
  sha256: string;
}

export interface MirrorOptions {
  /** Base URLs of mirrors laid out as osv.dev's bucket (`<base>/<ecosystem>/all.zip`), tried in order. */
  urls: string[];
  /** Ecosystems to keep, as OSV names them (`Red Hat`, `AlmaLinux:9`, `PyPI`). */
  ecosystems: string[];
  /** Time limit of one download, its body included, ms. */
  timeoutMs: number;
  /** Largest zip accepted, bytes. */
  maxZipBytes?: number;
  zipLimits?: ZipLimits;
  /** An export checked this recently (ms) is not asked for again; 0 asks every time. */
  minIntervalMs?: number;
  rewriteUrl?: (url: string) => string;
  now?: () => Date;
}

/** What one refresh did for one ecosystem. */
export interface RefreshOutcome {
  ecosystem: string;
  /** `updated`: a new export was stored; `unchanged`: the mirror said 304; `recent`: checked within `minIntervalMs`, not asked; `failed`: no mirror answered (the stored export, if any, stays). */
  status: 'updated' | 'unchanged' | 'recent' | 'failed';
  url?: string;
  error?: string;
}

export const DEFAULT_MAX_ZIP_BYTES = 1024 ** 3;

/** `<base>/<ecosystem>/all.zip`, the layout of osv.dev's export bucket. */
export function exportUrl(base: string, ecosystem: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
}

async function readSource(store: ObjectStore, slug: string): Promise<OsvSourceState | null> {
  const stored = await store.get(osvSourceKey(slug));
  if (!stored) return null;
  try {
    return JSON.parse(stored.body.toString('utf8')) as OsvSourceState;
  } catch {
    return null;
  }
}

async function readBody(response: Response, limit: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw new OsvArchiveError(url, `is ${declared} bytes, more than ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limit) throw new OsvArchiveError(url, `is more than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

/**
 * Checks a downloaded export's central directory against the limits without inflating it, so a
 * truncated download, an HTML error page or a zip bomb is refused before it replaces a good one.
 */
async function checkZip(zip: Buffer, url: string, limits: ZipLimits): Promise<void> {
  let file: yauzlTypes.ZipFile;
  try {
    file = await yauzl().fromBufferPromise(zip, { lazyEntries: true });
  } catch (error) {
    throw new OsvArchiveError(url, `not a zip: ${(error as Error).message}`);
  }
  try {
    if (file.entryCount > limits.maxEntries) throw new OsvArchiveError(url, `has ${file.entryCount} entries, more than ${limits.maxEntries}`);
    let total = 0;
    for await (const entry of file.eachEntry()) {
      if (entry.uncompressedSize > limits.maxEntryBytes)
        throw new OsvArchiveError(url, `${entry.fileName} is ${entry.uncompressedSize} bytes, more than ${limits.maxEntryBytes}`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new OsvArchiveError(url, `unpacks past ${limits.maxTotalBytes} bytes`);
    }
  } catch (error) {
    throw error instanceof OsvArchiveError ? error : new OsvArchiveError(url, (error as Error).message);
  } finally {
    file.close();
  }
}

async function refreshOne(store: ObjectStore, ecosystem: string, options: MirrorOptions): Promise<RefreshOutcome> {
  const slug = ecosystemSlug(ecosystem);
  const now = (options.now ?? (() => new Date()))();
  const source = await readSource(store, slug);
  const kept = source !== null && (await store.head(osvExportKey(slug))) !== null;
  if (kept && options.minIntervalMs && now.getTime() - Date.parse(source.checkedAt) < options.minIntervalMs)
    return { ecosystem, status: 'recent', url: source.url };
  const errors: string[] = [];
  for (const base of options.urls) {
    const url = (options.rewriteUrl ?? ((same: string) => same))(exportUrl(base, ecosystem));
    // Validators are only sent back to the URL that gave them.
    const headers: Record<string, string> = {};
    if (kept && source.url === url && source.etag) headers['if-none-match'] = source.etag;
    if (kept && source.url === url && source.lastModified) headers['if-modified-since'] = source.lastModified;
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
      if (response.status === 304 && kept) {
        await store.put(osvSourceKey(slug), JSON.stringify({ ...source, checkedAt: now.toISOString() }, null, 2), { contentType: 'application/json' });
        return { ecosystem, status: 'unchanged', url };
      }
      if (!response.ok) {
        await response.body?.cancel();
        errors.push(`${url}: HTTP ${response.status}`);
        continue;
      }
      const zip = await readBody(response, options.maxZipBytes ?? DEFAULT_MAX_ZIP_BYTES, url);
      await checkZip(zip, url, options.zipLimits ?? DEFAULT_ZIP_LIMITS);
      const etag = response.headers.get('etag');
      const lastModified = response.headers.get('last-modified');
      const state: OsvSourceState = {
        ecosystem,
        url,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
        fetchedAt: now.toISOString(),
        checkedAt: now.toISOString(),
        bytes: zip.length,
        sha256: createHash('sha256').update(zip).digest('hex'),
      };
      // The zip first: a source.json never names validators of an export that was not stored.
      await store.put(osvExportKey(slug), zip, { contentType: 'application/zip' });
      await store.put(osvSourceKey(slug), JSON.stringify(state, null, 2), { contentType: 'application/json' });
      return { ecosystem, status: 'updated', url };
    } catch (error) {
      const cause = error as Error & { cause?: { code?: string } };
      errors.push(
        error instanceof OsvArchiveError
          ? error.message
          : `${url}: ${cause.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (cause.cause?.code ?? cause.message)}`,
      );
    }
  }
  return { ecosystem, status: 'failed', error: new OsvFetchError(ecosystem, errors.join('; ') || 'no mirror configured').message };
}

/**
 * Brings the stored OSV exports up to date: for each ecosystem, a GET of `all.zip` from the
 * first mirror that answers, conditional on the stored export's ETag (`If-None-Match`) and
 * Last-Modified (`If-Modified-Since`), so an unchanged export costs a 304 and no download. A
 * new export is size-checked and its zip directory checked against the limits before it
 * replaces the stored one; a failure keeps the old one. Never throws for a mirror's fault:
 * each ecosystem's outcome says what happened.
 * @see https://google.github.io/osv.dev/data/#data-dumps
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-conditional-requests
 */
export async function refreshOsvExports(store: ObjectStore, options: MirrorOptions): Promise<RefreshOutcome[]> {
  return Promise.all(options.ecosystems.map((ecosystem) => refreshOne(store, ecosystem, options)));
}

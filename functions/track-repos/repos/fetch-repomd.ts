import { parseRepomd, type Repomd } from '../../../shared/rpm/repomd';
import type { RepoHttp } from './types';

/** The validators of the last repomd.xml read, sent back as `If-None-Match` / `If-Modified-Since`. */
export interface RepomdValidators {
  etag?: string;
  lastModified?: string;
}

export type RepomdAnswer = { status: 'not-modified' } | { status: 'fetched'; repomd: Repomd; etag?: string; lastModified?: string };

/** A repository that did not answer usably: refused, timed out, an HTTP error, not repomd.xml. */
export class RepoFetchError extends Error {
  override readonly name = 'RepoFetchError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

/** The reason fetch gives (ECONNREFUSED, a timeout) rather than "fetch failed". */
export function describeFetchFailure(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/**
 * A conditional GET of `<baseurl>repodata/repomd.xml` (through the URL rewrites): with the
 * stored ETag as `If-None-Match` and the stored `Last-Modified` as `If-Modified-Since`, a
 * repository that did not change answers 304 with no body, which is all an unchanged
 * repository costs. Throws {@link RepoFetchError} for anything but 200 and 304.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-conditional-requests
 */
export async function fetchRepomdIfChanged(baseUrl: string, validators: RepomdValidators, http: RepoHttp): Promise<RepomdAnswer> {
  const url = `${baseUrl}repodata/repomd.xml`;
  const target = http.rewriteUrl(url);
  const headers: Record<string, string> = {};
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  let response: Response;
  try {
    response = await fetch(target, { headers, signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (error) {
    throw new RepoFetchError(target, describeFetchFailure(error));
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { status: 'not-modified' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new RepoFetchError(target, `HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new RepoFetchError(target, describeFetchFailure(error));
  }
  let repomd: Repomd;
  try {
    repomd = parseRepomd(text, target);
  } catch (error) {
    throw new RepoFetchError(target, (error as Error).message);
  }
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  return { status: 'fetched', repomd, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

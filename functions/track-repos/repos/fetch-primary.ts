import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { decompressorFor } from '../../../shared/rpm/decompress';
import { PrimaryParser, type RepoPackage } from '../../../shared/rpm/primary-parser';
import type { Repomd } from '../../../shared/rpm/repomd';
import { describeFetchFailure, RepoFetchError } from './fetch-repomd';
import type { RepoHttp } from './types';

/**
 * Downloads the primary metadata repomd.xml points at (through the URL rewrites), checks it
 * against repomd's checksum as it streams, decompresses it by extension (gz, xz, zst, bz2) and
 * parses it with the scanners' streaming parser. Throws {@link RepoFetchError} when it cannot
 * be read or does not match its checksum.
 * @see https://github.com/rpm-software-management/createrepo_c/blob/master/src/xml_dump_primary.c
 */
export async function fetchPrimaryPackages(baseUrl: string, primary: Repomd['primary'], http: RepoHttp): Promise<RepoPackage[]> {
  const url = new URL(primary.href, baseUrl).href;
  const target = http.rewriteUrl(url);
  let response: Response;
  try {
    response = await fetch(target, { signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (error) {
    throw new RepoFetchError(target, describeFetchFailure(error));
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new RepoFetchError(target, `HTTP ${response.status}`);
  }
  const hash = createHash(primary.checksumType);
  const parser = new PrimaryParser();
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const decompress = decompressorFor(new URL(url).pathname);
    decompress.setEncoding('utf8');
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), hashing, decompress, async (source: AsyncIterable<string>) => {
      for await (const text of source) parser.push(text);
      // A cut-off document is refused here, not read as a shorter package list.
      parser.end();
    });
  } catch (error) {
    throw new RepoFetchError(target, describeFetchFailure(error));
  }
  const actual = hash.digest('hex');
  if (actual !== primary.checksum) throw new RepoFetchError(target, `${primary.checksumType} is ${actual}, repomd.xml says ${primary.checksum}`);
  return parser.packages;
}

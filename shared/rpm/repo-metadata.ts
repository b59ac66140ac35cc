import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { decompressorFor } from './decompress';
import { PrimaryParser, type RepoPackage } from './primary-parser';
import { parseMetalink, parseMirrorlist, parseRepomd } from './repomd';
import type { RepoDefinition } from './repo-files';

/** What fetching needs from the scan environment. */
export interface RepoFetchEnvironment {
  cacheDir: string;
  rewriteUrl(url: string): string;
  timeoutMs: number;
}

/** A repository whose metadata was read. */
export interface LoadedRepo {
  id: string;
  /** The base URL that answered (before rewriting: what the image configures). */
  baseurl: string;
  revision?: string;
  /** `sha256:…` of the primary metadata, the repo's content identity. */
  primaryChecksum: string;
  /** Whether the primary came from the cache folder. */
  cached: boolean;
  packages: RepoPackage[];
}

/** No URL of a repository answered with usable metadata. */
export class RepoUnreachableError extends Error {
  override readonly name = 'RepoUnreachableError';
  constructor(
    readonly repoId: string,
    readonly attempts: { url: string; error: string }[],
  ) {
    super(
      attempts.length > 0
        ? `repo ${repoId} unreachable: ${attempts.map((attempt) => `${attempt.url}: ${attempt.error}`).join('; ')}`
        : `repo ${repoId} has no baseurl, mirrorlist or metalink`,
    );
  }
}

async function get(url: string, env: RepoFetchEnvironment): Promise<Response> {
  const target = env.rewriteUrl(url);
  const response = await fetch(target, { signal: AbortSignal.timeout(env.timeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}${target !== url ? ` (as ${target})` : ''}`);
  }
  return response;
}

function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/** The base URLs to try, in order: `baseurl` values, then what the mirrorlist or metalink lists. */
async function candidateUrls(repo: RepoDefinition, env: RepoFetchEnvironment, attempts: { url: string; error: string }[]): Promise<string[]> {
  const urls = [...repo.baseurls];
  for (const [list, parse] of [
    [repo.metalink, parseMetalink],
    [repo.mirrorlist, (text: string) => (text.trimStart().startsWith('<') ? parseMetalink(text) : parseMirrorlist(text))],
  ] as const) {
    if (!list) continue;
    try {
      urls.push(...parse(await (await get(list, env)).text()));
    } catch (error) {
      attempts.push({ url: list, error: describe(error) });
    }
  }
  return urls.map(withSlash);
}

/**
 * Reads a repository's `repomd.xml` from the first base URL that answers (baseurl, then the
 * mirrorlist's or metalink's URLs), then its primary metadata: from the cache folder when a
 * primary with that checksum was read before, else downloaded, checked against its checksum,
 * decompressed (gz, xz, zst, bz2) and parsed as it streams. Every URL goes through `rewriteUrl`.
 * Throws {@link RepoUnreachableError} naming the repo and each URL's failure.
 * @see https://dnf.readthedocs.io/en/latest/conf_ref.html#repo-options
 */
export async function loadRepo(repo: RepoDefinition, env: RepoFetchEnvironment): Promise<LoadedRepo> {
  const attempts: { url: string; error: string }[] = [];
  for (const baseurl of await candidateUrls(repo, env, attempts)) {
    const repomdUrl = `${baseurl}repodata/repomd.xml`;
    try {
      const repomd = parseRepomd(await (await get(repomdUrl, env)).text(), repomdUrl);
      const { checksumType, checksum, href } = repomd.primary;
      const cacheFile = path.join(env.cacheDir, 'rpm-primary', `${checksumType}-${checksum}.json`);
      let packages = await readCache(cacheFile);
      const cached = packages !== null;
      if (!packages) {
        packages = await fetchPrimary(new URL(href, baseurl).href, checksumType, checksum, env);
        await writeCache(cacheFile, packages);
      }
      return {
        id: repo.id,
        baseurl,
        ...(repomd.revision ? { revision: repomd.revision } : {}),
        primaryChecksum: `${checksumType}:${checksum}`,
        cached,
        packages,
      };
    } catch (error) {
      attempts.push({ url: repomdUrl, error: describe(error) });
    }
  }
  throw new RepoUnreachableError(repo.id, attempts);
}

async function fetchPrimary(url: string, checksumType: string, checksum: string, env: RepoFetchEnvironment): Promise<RepoPackage[]> {
  const response = await get(url, env);
  if (!response.body) throw new Error(`${url}: empty body`);
  const hash = createHash(checksumType);
  const parser = new PrimaryParser();
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const decompress = decompressorFor(new URL(url).pathname);
  decompress.setEncoding('utf8');
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), hashing, decompress, async (source: AsyncIterable<string>) => {
    for await (const text of source) parser.push(text);
    // A cut-off document is refused here, not read as a shorter package list.
    parser.end();
  });
  const actual = hash.digest('hex');
  if (actual !== checksum) throw new Error(`${url}: ${checksumType} is ${actual}, repomd.xml says ${checksum}`);
  return parser.packages;
}

type CachedTuple = [string, string, number, string, string];

async function readCache(file: string): Promise<RepoPackage[] | null> {
  try {
    const tuples = JSON.parse(await readFile(file, 'utf8')) as CachedTuple[];
    return tuples.map(([name, arch, epoch, version, release]) => ({ name, arch, epoch, version, release }));
  } catch {
    return null;
  }
}

/** Writes the parsed primary as compact tuples, atomically (a rename), so a concurrent reader never sees half. */
async function writeCache(file: string, packages: RepoPackage[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const tuples: CachedTuple[] = packages.map((pkg) => [pkg.name, pkg.arch, pkg.epoch, pkg.version, pkg.release]);
  await writeFile(temporary, JSON.stringify(tuples));
  await rename(temporary, file);
}

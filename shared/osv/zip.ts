import yauzl from 'yauzl';
import { OsvArchiveError } from './errors';

/** How much an export zip may unpack to: an OSV export is many small JSON files, a zip bomb is not. */
export interface ZipLimits {
  /** Entries in the zip, folders included. */
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes over all entries read. */
  maxTotalBytes: number;
}

/**
 * Defaults sized on osv.dev's exports: the largest (Red Hat, npm) hold tens of thousands of
 * records; a record is a few kB, a Red Hat one listing hundreds of packages under 2 MB.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 500_000, maxEntryBytes: 16 * 1024 ** 2, maxTotalBytes: 2 * 1024 ** 3 };

/** One `.json` file of an export. */
export interface ZipJsonEntry {
  name: string;
  body: Buffer;
}

async function readBounded(stream: NodeJS.ReadableStream, limit: number, source: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new OsvArchiveError(source, `${name} unpacks past ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The `.json` files of a zip held in memory, one at a time, checked against `limits` before
 * anything is inflated: the entry count from the central directory, each entry's declared size
 * (yauzl then fails an entry whose data inflates past it), and the running total. Folders and
 * other files are skipped; names are only labels (nothing is written to disk). Encrypted
 * entries and anything yauzl cannot read throw an {@link OsvArchiveError} naming `source`.
 * @see https://github.com/thejoshwolfe/yauzl#validateentrysizes
 * @see https://ossf.github.io/osv-schema/ (the exports: one record per `<id>.json`)
 */
export async function* readZipJson(zip: Buffer, source: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): AsyncGenerator<ZipJsonEntry> {
  let file: yauzl.ZipFile;
  try {
    file = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
  } catch (error) {
    throw new OsvArchiveError(source, `not a zip: ${(error as Error).message}`);
  }
  if (file.entryCount > limits.maxEntries) {
    file.close();
    throw new OsvArchiveError(source, `has ${file.entryCount} entries, more than ${limits.maxEntries}`);
  }
  let total = 0;
  try {
    for await (const entry of file.eachEntry()) {
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) continue;
      if (entry.isEncrypted()) throw new OsvArchiveError(source, `${entry.fileName} is encrypted`);
      if (entry.uncompressedSize > limits.maxEntryBytes) throw new OsvArchiveError(source, `${entry.fileName} is ${entry.uncompressedSize} bytes, more than ${limits.maxEntryBytes}`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new OsvArchiveError(source, `unpacks past ${limits.maxTotalBytes} bytes`);
      const stream = await file.openReadStreamPromise(entry);
      yield { name: entry.fileName, body: await readBounded(stream, entry.uncompressedSize, source, entry.fileName) };
    }
  } catch (error) {
    if (error instanceof OsvArchiveError) throw error;
    throw new OsvArchiveError(source, (error as Error).message);
  } finally {
    file.close();
  }
}

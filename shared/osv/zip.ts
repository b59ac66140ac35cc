import { crc32, inflateRawSync } from 'node:zlib';
import type yauzlTypes from 'yauzl';
import { yauzl } from '../lazy/packages';
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

const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;

/**
 * Where an entry's data starts: after its local header (30 bytes, then the name and the extra
 * field, whose lengths it gives). Read here rather than through yauzl's asynchronous reader,
 * which costs a promise and a buffer copy per entry over an export's tens of thousands.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7 local file header)
 */
function dataStart(zip: Buffer, entry: yauzlTypes.Entry, source: string): number {
  const offset = entry.relativeOffsetOfLocalHeader;
  if (offset + LOCAL_HEADER_SIZE > zip.length || zip.readUInt32LE(offset) !== LOCAL_HEADER)
    throw new OsvArchiveError(source, `${entry.fileName} has no local header`);
  return offset + LOCAL_HEADER_SIZE + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
}

/**
 * The data of one entry, inflated in one call: a zlib stream per entry costs five times the
 * inflating over an export's tens of thousands of small files. The output may not pass the
 * declared size (zlib stops at `maxOutputLength`), must be exactly that size, and must have the
 * declared CRC-32, so a truncated or tampered entry is refused as a whole.
 */
function entryData(zip: Buffer, entry: yauzlTypes.Entry, dataStart: number, source: string): Buffer {
  const raw = zip.subarray(dataStart, dataStart + entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw new OsvArchiveError(source, `${entry.fileName} runs past the end of the zip`);
  let data: Buffer;
  if (entry.compressionMethod === STORED) data = raw;
  else if (entry.compressionMethod === DEFLATED) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
    } catch (error) {
      throw new OsvArchiveError(source, `${entry.fileName} does not inflate to its declared ${entry.uncompressedSize} bytes: ${(error as Error).message}`);
    }
  } else throw new OsvArchiveError(source, `${entry.fileName} uses compression method ${entry.compressionMethod}, not stored or deflate`);
  if (data.length !== entry.uncompressedSize)
    throw new OsvArchiveError(source, `${entry.fileName} inflates to ${data.length} bytes, not its declared ${entry.uncompressedSize}`);
  if (crc32(data) !== entry.crc32) throw new OsvArchiveError(source, `${entry.fileName} fails its CRC-32 check`);
  return data;
}

/**
 * The `.json` files of a zip held in memory, one at a time, checked against `limits` before
 * anything is inflated: the entry count from the central directory, each entry's declared size
 * (an entry whose data inflates past it, or to less, or fails its CRC, is refused), and the
 * running total. Folders and
 * other files are skipped; names are only labels (nothing is written to disk). Encrypted
 * entries and anything yauzl cannot read throw an {@link OsvArchiveError} naming `source`.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.4.7 CRC-32, 4.4.8-9 sizes)
 * @see https://ossf.github.io/osv-schema/ (the exports: one record per `<id>.json`)
 */
export async function* readZipJson(zip: Buffer, source: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): AsyncGenerator<ZipJsonEntry> {
  let file: yauzlTypes.ZipFile;
  try {
    file = await yauzl().fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
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
      if (entry.uncompressedSize > limits.maxEntryBytes)
        throw new OsvArchiveError(source, `${entry.fileName} is ${entry.uncompressedSize} bytes, more than ${limits.maxEntryBytes}`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new OsvArchiveError(source, `unpacks past ${limits.maxTotalBytes} bytes`);
      yield { name: entry.fileName, body: entryData(zip, entry, dataStart(zip, entry, source), source) };
    }
  } catch (error) {
    if (error instanceof OsvArchiveError) throw error;
    throw new OsvArchiveError(source, (error as Error).message);
  } finally {
    file.close();
  }
}

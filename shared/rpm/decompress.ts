import { PassThrough, type Duplex, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { filterProcess } from '../process/run-process';

/** A compression this host cannot undo. */
export class UnsupportedCompressionError extends Error {
  override readonly name = 'UnsupportedCompressionError';
}

const TOOLS: Record<string, string> = { xz: 'xz', zst: 'zstd', bz2: 'bzip2' };

/**
 * A stream that decompresses repo metadata by file extension: `.gz` with Node's zlib, `.xz`,
 * `.zst` and `.bz2` through the host's `xz`, `zstd` and `bzip2` (Node 20's zlib has no zstd or
 * xz), anything else passed through as plain XML.
 * @see https://nodejs.org/docs/latest-v20.x/api/zlib.html
 */
export function decompressorFor(file: string): Transform | Duplex {
  const extension = /\.([a-z0-9]+)$/.exec(file)?.[1] ?? '';
  if (extension === 'gz') return createGunzip();
  const tool = TOOLS[extension];
  if (!tool) {
    if (extension === 'xml') return new PassThrough();
    throw new UnsupportedCompressionError(`${file}: unknown compression .${extension}`);
  }
  return filterProcess(tool, ['-dc'], {
    spawnError: (message) => new UnsupportedCompressionError(`${file}: ${tool} is not available (${message})`),
    failure: (code, stderr) => new Error(`${file}: ${tool} -dc exited ${code}: ${stderr}`),
  });
}

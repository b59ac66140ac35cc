import { Duplex, PassThrough, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { filterProcess } from '../../../shared/process/run-process';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const starts = (chunk: Buffer, magic: number[]): boolean => magic.every((byte, i) => chunk[i] === byte);

function zstdDecoder(): Duplex {
  return filterProcess('zstd', ['-dc', '-q'], {
    spawnError: (message) => new Error(`zstd layers need the zstd tool: ${message}`),
    failure: (code, stderr) => new Error(`zstd: ${stderr || `exit ${code}`}`),
  });
}

/**
 * A stream that turns a layer blob into tar bytes whatever the media type claims: gzip (by its
 * magic bytes) with Node's zlib, zstd with the host's `zstd` (Node 20's zlib has none), anything
 * else passed through as an uncompressed tar.
 * @see https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md
 */
export function layerDecoder(): Duplex {
  const output = new PassThrough();
  let inner: Duplex | null = null;
  const input = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!inner) {
        inner = starts(chunk, GZIP) ? createGunzip() : starts(chunk, ZSTD) ? zstdDecoder() : new PassThrough();
        inner.once('error', (error) => output.destroy(error));
        inner.pipe(output);
      }
      if (inner.write(chunk)) done();
      else inner.once('drain', () => done());
    },
    final(done) {
      if (inner) inner.end();
      else output.end();
      done();
    },
  });
  return Duplex.from({ writable: input, readable: output });
}

import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

/** One 512-byte ustar header of an empty regular file (mode 0644, uid/gid 0). */
function emptyFileHeader(name: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write('00000000000\0', 124);
  header.write('14545506400\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/**
 * A gzip layer of `count` empty files `d<i/1000>/f<i>` in 1,000 folders (folders are implied, as
 * tar allows), written header by header: 400,000 files are a 205 MB tar that gzips to about
 * 3 MB, the "zip bomb of entries" a hostile image uses to outlast time limits. Made in memory in
 * a few seconds, where writing 400,000 files to disk and tarring them takes minutes on 2 cores.
 * @see https://www.gnu.org/software/tar/manual/html_node/Standard.html
 */
export async function manyEmptyFilesLayer(count: number): Promise<Buffer> {
  function* blocks(): Generator<Buffer> {
    const batch: Buffer[] = [];
    for (let i = 0; i < count; i += 1) {
      batch.push(emptyFileHeader(`d${Math.floor(i / 1000)}/f${i}`));
      if (batch.length === 1000) yield Buffer.concat(batch.splice(0));
    }
    batch.push(Buffer.alloc(1024));
    yield Buffer.concat(batch);
  }
  return buffer(Readable.from(blocks()).pipe(createGzip({ level: 6 })));
}

import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { decompressorFor, UnsupportedCompressionError } from './decompress';

const XML = '<metadata packages="1"><package type="rpm"><name>bash</name></package></metadata>\n';
/** The host tool's own compression, as a mirror serves it. */
const packed = (tool: string): Buffer => execFileSync(tool, ['-c'], { input: XML });

describe('decompressorFor (repo metadata by file extension)', () => {
  it.each<[string, () => Buffer]>([
    ['primary.xml.gz', () => gzipSync(XML)],
    ['primary.xml.xz', () => packed('xz')],
    ['primary.xml.zst', () => packed('zstd')],
    ['primary.xml.bz2', () => packed('bzip2')],
    ['primary.xml', () => Buffer.from(XML)],
  ])('%s', async (file, body) => {
    expect(await text(Readable.from([body()]).pipe(decompressorFor(file)))).toBe(XML);
  });

  it('fails the stream when the tool finds the data corrupt', async () => {
    await expect(text(Readable.from([Buffer.from('not xz at all')]).pipe(decompressorFor('primary.xml.xz')))).rejects.toThrow(
      /primary\.xml\.xz: xz -dc exited 1: /,
    );
  });

  it('refuses a compression it does not know', () => {
    expect(() => decompressorFor('primary.xml.lz4')).toThrow(UnsupportedCompressionError);
  });
});

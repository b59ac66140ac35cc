import { osvZip } from '../../test/scan-support/osv-mirror';
import { OsvArchiveError } from './errors';
import { DEFAULT_ZIP_LIMITS, readZipJson, type ZipLimits } from './zip';

async function names(zip: Buffer, limits?: ZipLimits): Promise<string[]> {
  const read: string[] = [];
  for await (const entry of readZipJson(zip, 'test export', limits)) read.push(`${entry.name}:${entry.body.length}`);
  return read;
}

/** The zip with every central directory entry's uncompressed size set to `size`: a zip that lies about what it holds. */
function withDeclaredSize(zip: Buffer, size: number): Buffer {
  const patched = Buffer.from(zip);
  for (let offset = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); offset >= 0; offset = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), offset + 4)) {
    patched.writeUInt32LE(size, offset + 24);
  }
  return patched;
}

describe('readZipJson', () => {
  it('reads the .json entries and passes over folders and other files', async () => {
    const zip = await osvZip([{ id: 'A' }, { id: 'B' }], { 'docs/': '', 'README.txt': 'hello', 'nested/C.json': '{}' });
    expect(await names(zip)).toEqual(['A.json:10', 'B.json:10', 'nested/C.json:2']);
  });

  it.each([
    ['more entries than allowed', { ...DEFAULT_ZIP_LIMITS, maxEntries: 2 }, 'test export: has 3 entries, more than 2'],
    ['an entry larger than allowed', { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 15 }, 'test export: C.json is 16 bytes, more than 15'],
    ['more bytes in all than allowed', { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 25 }, 'test export: unpacks past 25 bytes'],
  ])('refuses a zip with %s before inflating it', async (_name, limits, message) => {
    const zip = await osvZip([{ id: 'A' }, { id: 'B' }, { id: 'C', x: 1 }]);
    await expect(names(zip, limits)).rejects.toThrow(new OsvArchiveError('test export', message.replace('test export: ', '')));
  });

  it('refuses an entry that inflates past the size it declares (a zip bomb that lies)', async () => {
    const zip = withDeclaredSize(await osvZip([{ id: 'A', padding: 'x'.repeat(5000) }]), 10);
    await expect(names(zip)).rejects.toThrow(OsvArchiveError);
  });

  it.each([
    ['an HTML page', Buffer.from('<html>mirror error</html>')],
    ['a truncated zip', Buffer.alloc(0)],
  ])('refuses %s as not a zip', async (_name, body) => {
    await expect(names(body)).rejects.toThrow(/^test export: not a zip: /);
  });
});

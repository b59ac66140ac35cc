import { osvZip } from '../../test/scan-support/osv-mirror';
import { OsvArchiveError } from './errors';
import { DEFAULT_ZIP_LIMITS, readZipJson, type ZipLimits } from './zip';

async function names(zip: Buffer, limits?: ZipLimits): Promise<string[]> {
  const read: string[] = [];
  for await (const entry of readZipJson(zip, 'test export', limits)) read.push(`${entry.name}:${entry.body.length}`);
  return read;
}

const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** The zip with a 32-bit field of every central directory header (at `field`: 16 CRC-32, 24 uncompressed size) set to `value`: a zip that lies. */
function withCentralField(zip: Buffer, field: number, value: number): Buffer {
  const patched = Buffer.from(zip);
  for (let offset = patched.indexOf(CENTRAL_HEADER); offset >= 0; offset = patched.indexOf(CENTRAL_HEADER, offset + 4))
    patched.writeUInt32LE(value, offset + field);
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

  it.each([
    ['inflates past the size it declares (a zip bomb that lies)', 24, 10, /^test export: A\.json does not inflate to its declared 10 bytes: /],
    ['inflates to less than it declares', 24, 6000, /^test export: A\.json inflates to 5023 bytes, not its declared 6000$/],
    ['fails its CRC-32', 16, 1234, /^test export: A\.json fails its CRC-32 check$/],
  ])('refuses an entry that %s', async (_name, field, value, message) => {
    const zip = withCentralField(await osvZip([{ id: 'A', padding: 'x'.repeat(5000) }]), field, value);
    await expect(names(zip)).rejects.toThrow(message);
  });

  it.each([
    ['an HTML page', Buffer.from('<html>mirror error</html>')],
    ['a truncated zip', Buffer.alloc(0)],
  ])('refuses %s as not a zip', async (_name, body) => {
    await expect(names(body)).rejects.toThrow(/^test export: not a zip: /);
  });
});

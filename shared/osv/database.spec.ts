import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { osvZip } from '../../test/scan-support/osv-mirror';
import { FsObjectStore } from '../store/fs-store';
import { osvExportKey } from '../store/keys';
import { buildIndex, OsvDatabase } from './database';

const record = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
  ...extra,
});

describe('buildIndex', () => {
  it('indexes the records, leaves withdrawn ones out and counts the broken ones without stopping', async () => {
    const zip = await osvZip([record('GHSA-1'), record('GHSA-2', { withdrawn: '2024-02-01T00:00:00Z' }), record('GHSA-3', { aliases: 'CVE-1' })], {
      'GHSA-4.json': '{not json',
    });
    const { index, stats } = await buildIndex([{ ecosystem: 'npm', zip }]);
    expect(index.lookup({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }).map((match) => match.advisory.id)).toEqual(['GHSA-1']);
    expect(stats).toEqual({
      ecosystems: ['npm'],
      missing: [],
      records: 4,
      indexed: 1,
      withdrawn: 1,
      invalid: 2,
      errors: ['npm: GHSA-3.json: aliases is not a list', expect.stringMatching(/^npm: GHSA-4\.json: not JSON: /)],
    });
  });
});

describe('OsvDatabase', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-osv-db-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the index once per stored export, again when an export changes, and names the missing ones', async () => {
    const store = new FsObjectStore(dir);
    await store.put(osvExportKey('npm'), await osvZip([record('GHSA-1')]));
    const database = new OsvDatabase(store, ['npm', 'PyPI']);
    const first = await database.load();
    expect([first.index.size, first.stats.missing]).toEqual([1, ['PyPI']]);
    expect((await database.load()).index).toBe(first.index);
    await store.put(osvExportKey('npm'), await osvZip([record('GHSA-1'), record('GHSA-5')]));
    const second = await database.load();
    expect([second.index === first.index, second.index.size]).toEqual([false, 2]);
  });
});

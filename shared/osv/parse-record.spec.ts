import { OsvRecordError } from './errors';
import { parseOsvRecord } from './parse-record';

/** A Red Hat record as osv.dev serves it, trimmed to what matters. */
const RHSA = {
  schema_version: '1.6.0',
  id: 'RHSA-2024:0001',
  modified: '2024-01-03T00:00:00Z',
  published: '2024-01-02T00:00:00Z',
  aliases: ['RHBA-2024:0002', 'CVE-2024-0001'],
  summary: 'openssl: a flaw',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
  affected: [
    {
      package: { ecosystem: 'Red Hat:enterprise_linux:9::baseos', name: 'openssl-libs', purl: 'pkg:rpm/redhat/openssl-libs' },
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }] },
        { type: 'GIT', repo: 'https://github.com/openssl/openssl', events: [{ introduced: 'abc' }] },
      ],
    },
    { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
    { ranges: [{ type: 'GIT', repo: 'https://example.org/x', events: [{ introduced: '0' }] }] },
  ],
  references: [{ type: 'ADVISORY', url: 'https://access.redhat.com/errata/RHSA-2024:0001' }],
  database_specific: { severity: 'Important' },
};

describe('parseOsvRecord', () => {
  it('keeps what the index reads: ECOSYSTEM ranges of ecosystems ccp matches, CVE aliases first', () => {
    expect(parseOsvRecord('RHSA-2024:0001.json', RHSA)).toEqual({
      id: 'RHSA-2024:0001',
      aliases: ['CVE-2024-0001', 'RHBA-2024:0002'],
      summary: 'openssl: a flaw',
      modified: '2024-01-03T00:00:00Z',
      published: '2024-01-02T00:00:00Z',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      affected: [
        {
          ecosystem: 'Red Hat:enterprise_linux:9::baseos',
          name: 'openssl-libs',
          purl: 'pkg:rpm/redhat/openssl-libs',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }] }],
          versions: [],
          severity: [],
        },
      ],
      databaseSeverity: 'Important',
    });
  });

  it('is null for a withdrawn record', () => {
    expect(parseOsvRecord('x.json', { ...RHSA, withdrawn: '2024-02-01T00:00:00Z' })).toBeNull();
  });

  it('takes the first line of details when there is no summary', () => {
    expect(parseOsvRecord('x.json', { ...RHSA, summary: undefined, details: 'First line.\nMore.' })?.summary).toEqual('First line.');
  });

  it.each([
    ['not an object', [], 'x.json: is not a JSON object'],
    ['no id', { modified: 'x' }, 'x.json: id is missing'],
    ['no modified', { id: 'A' }, 'x.json: modified is missing'],
    ['aliases not a list', { id: 'A', modified: 'm', aliases: 'CVE-1' }, 'x.json: aliases is not a list'],
    [
      'an event with two kinds',
      {
        id: 'A',
        modified: 'm',
        affected: [{ package: { ecosystem: 'PyPI', name: 'p' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }] }],
      },
      'x.json: affected[0].ranges[0].events[0] must have exactly one of introduced, fixed, last_affected, limit',
    ],
    [
      'a range without introduced',
      { id: 'A', modified: 'm', affected: [{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '1.0.0' }] }] }] },
      'x.json: affected[0].ranges[0].events has no introduced event',
    ],
    [
      'a version that is a number',
      { id: 'A', modified: 'm', affected: [{ package: { ecosystem: 'npm', name: 'p' }, versions: [1] }] },
      'x.json: affected[0].versions[0] is not a string',
    ],
    ['too many aliases', { id: 'A', modified: 'm', aliases: Array.from({ length: 1001 }, (_, i) => `CVE-${i}`) }, 'x.json: aliases has more than 1000 entries'],
  ])('refuses %s, naming the field', (_name, record, message) => {
    expect(() => parseOsvRecord('x.json', record)).toThrow(new OsvRecordError('x.json', message.replace(/^x\.json: /, '')));
  });
});

import { AdvisoryIndex } from './advisory-index';
import type { Advisory, AffectedPackage } from './types';

function advisory(id: string, affected: Partial<AffectedPackage>[], aliases: string[] = []): Advisory {
  return {
    id,
    aliases,
    summary: `${id} summary`,
    modified: '2024-01-01T00:00:00Z',
    severity: [],
    affected: affected.map((entry) => ({ ecosystem: 'AlmaLinux:9', name: 'openssl', ranges: [], versions: [], severity: [], ...entry })),
  };
}

const fixedAt = (fixed: string) => [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }, { fixed }] }];

describe('AdvisoryIndex', () => {
  const index = new AdvisoryIndex();
  index.add(advisory('ALSA-2024:1', [{ ranges: fixedAt('1:3.0.7-27.el9') }]));
  index.add(advisory('ALSA-2024:2', [{ ecosystem: 'AlmaLinux:8', ranges: fixedAt('1:1.1.1k-12.el8') }]));
  index.add(advisory('ALSA-2024:3', [{ ecosystem: 'AlmaLinux', ranges: fixedAt('1:3.0.7-30.el9') }]));
  // One advisory, two entries for the package (two streams of one release): the higher fix wins.
  index.add(advisory('ALSA-2024:4', [{ ranges: fixedAt('1:3.0.7-25.el9') }, { ranges: fixedAt('1:3.0.7-28.el9') }]));
  index.add(advisory('PYSEC-2023-74', [{ ecosystem: 'PyPI', name: 'Requests', ranges: fixedAt('2.31.0') }]));
  const duplicate = index.add(advisory('ALSA-2024:1', [{ ranges: fixedAt('9:9-9') }]));

  it('indexes an id once', () => {
    expect([duplicate, index.size]).toEqual([false, 5]);
  });

  it.each([
    [
      'release 9',
      { release: '9.2' },
      [
        ['ALSA-2024:1', '1:3.0.7-27.el9'],
        ['ALSA-2024:3', '1:3.0.7-30.el9'],
        ['ALSA-2024:4', '1:3.0.7-28.el9'],
      ],
    ],
    ['release 8', { release: '8.10' }, [['ALSA-2024:3', '1:3.0.7-30.el9']]],
    // The release-8 entry is read too, and its range (fixed in 1:1.1.1k) does not hold 1:3.0.7.
    [
      'no release: every entry',
      {},
      [
        ['ALSA-2024:1', '1:3.0.7-27.el9'],
        ['ALSA-2024:3', '1:3.0.7-30.el9'],
        ['ALSA-2024:4', '1:3.0.7-28.el9'],
      ],
    ],
  ])('answers openssl 1:3.0.7-24.el9 for %s', (_name, release, expected) => {
    const matches = index.lookup({ ecosystem: 'AlmaLinux', name: 'openssl', version: '1:3.0.7-24.el9', ...release });
    expect(matches.map((match) => [match.advisory.id, match.fixed])).toEqual(expected);
  });

  it('answers nothing for another ecosystem, another name, or a version outside the ranges', () => {
    expect([
      index.lookup({ ecosystem: 'Rocky Linux', name: 'openssl', version: '1:3.0.7-24.el9' }),
      index.lookup({ ecosystem: 'AlmaLinux', name: 'openssl-libs', version: '1:3.0.7-24.el9' }),
      index.lookup({ ecosystem: 'AlmaLinux', name: 'openssl', version: '1:3.0.7-30.el9', release: '9' }),
    ]).toEqual([[], [], []]);
  });

  it('reads entries of another release when no release is asked', () => {
    expect(index.lookup({ ecosystem: 'AlmaLinux', name: 'openssl', version: '1:1.1.1k-7.el8' }).map((match) => match.advisory.id)).toEqual([
      'ALSA-2024:1',
      'ALSA-2024:2',
      'ALSA-2024:3',
      'ALSA-2024:4',
    ]);
    expect(index.lookup({ ecosystem: 'AlmaLinux', name: 'openssl', version: '1:1.1.1k-7.el8', release: '9' }).map((match) => match.advisory.id)).toEqual([
      'ALSA-2024:1',
      'ALSA-2024:3',
      'ALSA-2024:4',
    ]);
  });

  it('finds PyPI projects by their normalized name', () => {
    expect(index.lookup({ ecosystem: 'PyPI', name: 'requests', version: '2.28.1' }).map((match) => match.advisory.id)).toEqual(['PYSEC-2023-74']);
  });

  it('answers nothing for a version the ecosystem cannot read', () => {
    expect(index.lookup({ ecosystem: 'PyPI', name: 'requests', version: 'not a version' })).toEqual([]);
  });
});

import type { RepoPackage } from '../../../shared/rpm/primary-parser';
import { diffSnapshots, isEmptyDiff, newestByNameArch } from './snapshot-diff';

const pkg = (name: string, arch: string, evr: [number, string, string]): RepoPackage => ({ name, arch, epoch: evr[0], version: evr[1], release: evr[2] });

describe('newestByNameArch', () => {
  it('keeps the newest EVR of each name.arch by rpm rules, sorted by id', () => {
    expect(
      newestByNameArch([
        pkg('openssl', 'x86_64', [1, '3.0.7', '24.el9']),
        pkg('openssl', 'x86_64', [1, '3.0.7', '9.el9']),
        pkg('openssl', 'i686', [1, '3.0.7', '9.el9']),
        pkg('bash', 'x86_64', [0, '5.1.8', '6.el9']),
        pkg('tzdata', 'noarch', [0, '2023c', '1.el9']),
        pkg('tzdata', 'noarch', [0, '2023a', '1.el9']),
      ]),
    ).toEqual({ 'bash.x86_64': '5.1.8-6.el9', 'openssl.i686': '1:3.0.7-9.el9', 'openssl.x86_64': '1:3.0.7-24.el9', 'tzdata.noarch': '2023c-1.el9' });
  });

  it('answers an empty map for an empty repository', () => {
    expect(newestByNameArch([])).toEqual({});
  });
});

describe('diffSnapshots', () => {
  it.each([
    ['nothing changed', { 'a.noarch': '1-1' }, { 'a.noarch': '1-1' }, { added: [], updated: [], removed: [] }],
    [
      'a newer release',
      { 'a.noarch': '1-1' },
      { 'a.noarch': '1-2' },
      { added: [], updated: [{ name: 'a', from: '1-1', to: '1-2', repo: 'base' }], removed: [] },
    ],
    [
      'a newer epoch beats a lower version',
      { 'a.x86_64': '2.0-1' },
      { 'a.x86_64': '1:1.0-1' },
      { added: [], updated: [{ name: 'a', from: '2.0-1', to: '1:1.0-1', repo: 'base' }], removed: [] },
    ],
    [
      'rpm order, not text order (1.10 > 1.9)',
      { 'a.noarch': '1.9-1' },
      { 'a.noarch': '1.10-1' },
      { added: [], updated: [{ name: 'a', from: '1.9-1', to: '1.10-1', repo: 'base' }], removed: [] },
    ],
    ['a build pulled back is no update', { 'a.noarch': '1-2' }, { 'a.noarch': '1-1' }, { added: [], updated: [], removed: [] }],
    [
      'added and removed',
      { 'a.noarch': '1-1', 'b.noarch': '1-1' },
      { 'b.noarch': '1-1', 'c.noarch': '2-1' },
      { added: ['c.noarch'], updated: [], removed: ['a.noarch'] },
    ],
    [
      'a dotted name keeps its dots',
      { 'python3.11-pip.noarch': '22-1' },
      { 'python3.11-pip.noarch': '23-1' },
      { added: [], updated: [{ name: 'python3.11-pip', from: '22-1', to: '23-1', repo: 'base' }], removed: [] },
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(diffSnapshots(before, after, 'base')).toEqual(expected);
    expect(isEmptyDiff(diffSnapshots(before, after, 'base'))).toBe(expected.added.length + expected.updated.length + expected.removed.length === 0);
  });
});

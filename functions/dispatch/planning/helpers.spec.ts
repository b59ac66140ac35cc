import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProjectEntry } from '../../../shared/index/types';
import type { ImageState } from '../../../shared/reports/image-state';
import { FsObjectStore } from '../../../shared/store/fs-store';
import { PushCoalescer } from './coalesce';
import { diffIndex } from './index-diff';
import { isPushTo, projectsForPush } from './match-push';
import { describeUpdates, updatesForImage } from './rpm-affected';

function entry(jobId: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId: 'a',
    jobId,
    desiredTag: 'latest',
    gitUrl: 'https://github.com/org/repo',
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    notifyEmail: [],
    buildContext: './',
    dependsOn: [],
    source: { file: 'a.yaml', line: 1 },
    ...overrides,
  };
}

describe('projectsForPush', () => {
  const projects = [
    entry('one'),
    entry('two', { buildContext: '../shared' }),
    entry('three', { prebuildScript: 'make.sh', prebuildContext: 'tools' }),
    entry('other', { gitBranch: 'dev' }),
  ];
  it.each([
    ['git@github.com:org/repo.git', 'main', undefined, ['one', 'two', 'three']],
    ['https://github.com/org/repo.git', 'main', ['one/Dockerfile'], ['one']],
    ['ssh://git@github.com/org/repo', 'main', ['shared/lib.c'], ['two']],
    ['https://github.com/org/repo', 'main', ['tools/make.sh'], ['three']],
    ['https://github.com/org/repo', 'main', ['README.md', 'onetwo/x'], []],
    ['https://github.com/org/repo', 'dev', undefined, ['other']],
    ['https://github.com/org/elsewhere', 'main', undefined, []],
  ])('%s %s %j → %j', (repoUrl, branch, changedPaths, expected) => {
    expect(projectsForPush({ repoUrl, branch, ...(changedPaths ? { changedPaths } : {}) }, projects).map((project) => project.jobId)).toEqual(expected);
  });

  it('tells a push to the index repository', () => {
    expect(isPushTo({ repoUrl: 'git@github.com:org/index.git', branch: 'main' }, 'https://github.com/org/index', 'main')).toBe(true);
    expect(isPushTo({ repoUrl: 'git@github.com:org/index.git', branch: 'dev' }, 'https://github.com/org/index', 'main')).toBe(false);
  });
});

describe('diffIndex', () => {
  it('finds added, changed and removed entries; moving an entry changes nothing', () => {
    const before = [entry('kept'), entry('moved'), entry('changed'), entry('gone')];
    const after = [
      entry('kept'),
      entry('moved', { source: { file: 'a.yaml', line: 40 }, id: 9 }),
      entry('changed', { targetFile: 'Dockerfile.new' }),
      entry('new'),
    ];
    const change = diffIndex(before, after, 'c1');
    expect([change.commit, change.added.map((e) => e.jobId), change.changed.map((e) => e.jobId), change.removed]).toEqual([
      'c1',
      ['new'],
      ['changed'],
      [{ appId: 'a', jobId: 'gone', desiredTag: 'latest' }],
    ]);
  });
});

describe('updatesForImage', () => {
  const state = (packages: ImageState['packages'], repos: unknown[] = []): ImageState => ({
    format: 'ccp.image-state/v1',
    project: { appId: 'a', jobId: 'b', desiredTag: 'c' },
    image: { ref: 'r' },
    lastScan: {} as ImageState['lastScan'],
    packages,
    repos,
  });
  const openssl = { ecosystem: 'rpm' as const, name: 'openssl', version: '3.0.7', qualifiers: { release: '24' }, purl: 'pkg:rpm/openssl' };
  const change = {
    repo: { key: 'baseos', url: 'http://127.0.0.1:1/baseos/' },
    revision: '2',
    added: [],
    removed: [],
    updated: [{ name: 'openssl', from: '3.0.7-24', to: '3.0.7-25' }],
  };

  it.each([
    ['has the package at an older version', [openssl], [], [{ name: 'openssl', from: '3.0.7-24', to: '3.0.7-25', repo: 'baseos' }]],
    ['has it at the new version already', [{ ...openssl, qualifiers: { release: '25' } }], [], []],
    ['lacks it', [{ ...openssl, name: 'bash' }], [], []],
    ['uses another repository', [openssl], [{ id: 'appstream', baseurl: ['http://127.0.0.1:1/appstream/'] }], []],
    [
      'uses this repository',
      [openssl],
      [{ id: 'x', baseurl: ['http://127.0.0.1:1/baseos'] }],
      [{ name: 'openssl', from: '3.0.7-24', to: '3.0.7-25', repo: 'baseos' }],
    ],
  ])('an image that %s', (_what, packages, repos, expected) => {
    expect(updatesForImage(state(packages, repos), change)).toEqual(expected);
  });

  it('says what moved', () => {
    expect(describeUpdates([{ name: 'openssl', from: '3.0.7-24', to: '3.0.7-25', repo: 'baseos' }])).toEqual('openssl 3.0.7-24 → 3.0.7-25 in repo baseos');
  });
});

describe('PushCoalescer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-coalesce-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('answers the newest commit of a burst to its first push only, after a quiet window', async () => {
    let clock = 0;
    const waits: number[] = [];
    const store = new FsObjectStore(dir);
    // The second push starts once the first owns the window (its first wait): started at once, either could
    // create the window first, and a second owner would wait for a clock that never moves.
    let ownerWaits!: () => void;
    const ownerWaiting = new Promise<void>((resolve) => (ownerWaits = resolve));
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      ownerWaits();
      await new Promise((resolve) => setImmediate(resolve));
    };
    const coalescer = new PushCoalescer({ store, quietMs: 100, now: () => clock, sleep });
    // The owner's sleep moves the clock on, as pushes 2 and 3 arrive meanwhile.
    const later = new PushCoalescer({ store, quietMs: 100, now: () => clock });
    const owner = coalescer.push('github.com/o/r', 'main', { eventId: 'e1', commit: 'c1', changedPaths: ['a'] });
    const results = await Promise.all([
      owner,
      (async () => {
        await ownerWaiting;
        clock = 50;
        const two = await later.push('github.com/o/r', 'main', { eventId: 'e2', commit: 'c2', changedPaths: ['b'] });
        clock = 500;
        return two;
      })(),
    ]);
    expect(results[1]).toEqual({ kind: 'coalesced', owner: 'e1' });
    expect(results[0]).toMatchObject({ kind: 'newest', commit: 'c2', eventId: 'e2', changedPaths: ['a', 'b'], dropped: [{ eventId: 'e1', commit: 'c1' }] });
    expect(await later.push('github.com/o/r', 'main', { eventId: 'e2', commit: 'c2' })).toEqual({ kind: 'closed', eventId: 'e2' });
  });
});

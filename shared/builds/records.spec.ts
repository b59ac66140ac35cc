import { rm } from 'node:fs/promises';
import { TempObjectStore } from '../store/__fixtures__/temp-store';
import { BuildRecords } from './records';
import type { BuildRecord } from './types';

const project = { appId: 'app', jobId: 'job', desiredTag: 'latest' };

function queued(buildId: string): BuildRecord {
  return {
    buildId,
    project,
    name: 'app/job:latest',
    status: 'queued',
    cause: { kind: 'manual', message: 'test' },
    causeChain: [{ kind: 'manual', message: 'test' }],
    entry: {
      id: 1,
      ...project,
      gitUrl: 'file:///repo',
      gitBranch: 'main',
      gitPath: '.',
      targetFile: 'Dockerfile',
      notifyEmail: [],
      buildContext: './',
      dependsOn: [],
      source: { file: 'app.yaml', line: 3 },
    },
    timings: { queuedAt: '2026-01-01T00:00:00.000Z' },
    links: { log: `reports/app/job/latest/${buildId}/build.log` },
    updatedAt: '',
  };
}

describe('BuildRecords', () => {
  let store: TempObjectStore;
  let records: BuildRecords;
  beforeEach(() => {
    store = new TempObjectStore();
    records = new BuildRecords(store, () => new Date('2026-01-01T00:00:05.000Z'));
  });
  afterEach(() => rm(store.inner.root, { recursive: true, force: true }));

  it('stores a record under state/builds/ and reads it back', async () => {
    await records.put(queued('b1'));
    expect(await store.head('state/builds/app/job/latest/b1.json')).not.toBeNull();
    expect(await records.get(project, 'b1')).toEqual({ ...queued('b1'), updatedAt: '2026-01-01T00:00:05.000Z' });
    expect(await records.get(project, 'none')).toBeNull();
  });

  it('updates a record as the build moves on, merging timings', async () => {
    const base = await records.put(queued('b1'));
    await records.update(base, { status: 'running', timings: { queuedAt: base.timings.queuedAt, startedAt: '2026-01-01T00:00:01.000Z' } });
    const done = await records.update(base, {
      status: 'succeeded',
      image: { ref: 'r/app/job:latest', digest: 'sha256:ab' },
      timings: { queuedAt: base.timings.queuedAt, finishedAt: '2026-01-01T00:00:03.000Z', steps: { build: 1500 } },
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      image: { ref: 'r/app/job:latest', digest: 'sha256:ab' },
      timings: { queuedAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:01.000Z', finishedAt: '2026-01-01T00:00:03.000Z', steps: { build: 1500 } },
    });
    expect(await records.get(project, 'b1')).toEqual(done);
  });

  it('lists the records of an image oldest first', async () => {
    await records.put(queued('20260102T000000Z-bb'));
    await records.put(queued('20260101T000000Z-aa'));
    expect((await records.list(project)).map((record) => record.buildId)).toEqual(['20260101T000000Z-aa', '20260102T000000Z-bb']);
  });
});

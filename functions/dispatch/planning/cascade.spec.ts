import { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { imageName } from '../../../shared/index/types';
import type { BuildCompletedData } from '../../../shared/events/types';
import { noticeOf, recordCompletion, releaseReady } from './cascade-advance';
import { planCascade } from './cascade-plan';
import type { CascadeRecord } from '../../../shared/cascade/types';
import { namedEntry as entry } from '../__fixtures__/entries';

const PROJECTS = [
  entry('a/root:1'),
  entry('a/left:1', ['a/root:1']),
  entry('a/right:1', ['a/root:1']),
  entry('a/diamond:1', ['a/left:1', 'a/right:1']),
  entry('a/grand:1', ['a/diamond:1']),
  entry('a/ext-child:1', ['centos/centos:7']),
];
const graph = new DependencyGraph(PROJECTS);
const entries = new Map(PROJECTS.map((project) => [imageName(project), project]));
const now = new Date('2026-01-02T03:04:05Z');
const push = { kind: 'git-push' as const, message: 'Git commit abc to branch main of repo https://example.org/r' };

function plan(seeds: string[], maxInFlight = 10): CascadeRecord {
  return planCascade({
    id: 'c1',
    cause: push,
    seeds: seeds.map((name) => ({ entry: entries.get(name)!, cause: push, commit: 'abc' })),
    graph,
    entries,
    maxInFlight,
    now,
  })!;
}

function completion(record: CascadeRecord, name: string, status: 'succeeded' | 'failed'): BuildCompletedData {
  const item = record.items.find((candidate) => candidate.name === name)!;
  return {
    buildId: item.buildId,
    project: item.project,
    entry: item.entry,
    status,
    reports: { log: 'l' },
    timings: { startedAt: '', finishedAt: '', durationMs: 0 },
    cause: item.cause,
    causeChain: [],
  };
}

function statuses(record: CascadeRecord): string[] {
  return record.items.map((item) => `${item.name} ${item.status}`);
}

describe('cascades', () => {
  it('plans each descendant once, after every changed parent, with a parent-rebuilt cause', () => {
    const record = plan(['a/root:1']);
    expect(record.items.map((item) => [item.name, item.batch, item.after])).toEqual([
      ['a/root:1', 0, []],
      ['a/left:1', 1, ['a/root:1']],
      ['a/right:1', 1, ['a/root:1']],
      ['a/diamond:1', 2, ['a/left:1', 'a/right:1']],
      ['a/grand:1', 3, ['a/diamond:1']],
    ]);
    expect(record.items[1]!.cause).toEqual({
      kind: 'parent-rebuilt',
      message: 'parent a/root:1 rebuilt because git commit abc to branch main of repo https://example.org/r',
      parent: 'a/root:1',
      cascade: 'c1',
    });
    expect(record.items[1]!.causeChain).toEqual([{ ...push, cascade: 'c1' }]);
    expect(record.items[4]!.causeChain.map((cause) => cause.parent ?? cause.kind)).toEqual(['git-push', 'a/root:1', 'a/left:1']);
  });

  it('requests the diamond once, only when both parents succeeded', () => {
    let record = releaseReady(plan(['a/root:1']), now).record;
    expect(statuses(record)).toEqual(['a/root:1 requested', 'a/left:1 waiting', 'a/right:1 waiting', 'a/diamond:1 waiting', 'a/grand:1 waiting']);
    record = recordCompletion(record, completion(record, 'a/root:1', 'succeeded'), now)!.record;
    const left = recordCompletion(record, completion(record, 'a/left:1', 'succeeded'), now)!;
    expect(left.requested).toEqual([]);
    const right = recordCompletion(left.record, completion(left.record, 'a/right:1', 'succeeded'), now)!;
    expect(right.requested.map((item) => item.name)).toEqual(['a/diamond:1']);
    expect(recordCompletion(right.record, completion(right.record, 'a/right:1', 'succeeded'), now)).toBeNull();
  });

  it('skips the whole subtree of a failed parent, naming it, and ends with one notice', () => {
    let record = releaseReady(plan(['a/root:1']), now).record;
    record = recordCompletion(record, completion(record, 'a/root:1', 'succeeded'), now)!.record;
    record = recordCompletion(record, completion(record, 'a/left:1', 'failed'), now)!.record;
    const step = recordCompletion(record, completion(record, 'a/right:1', 'succeeded'), now)!;
    expect(step.finished).toBe(true);
    expect(noticeOf(step.record).items.map((item) => [imageName(item.project), item.outcome, item.blockedBy ?? null])).toEqual([
      ['a/root:1', 'succeeded', null],
      ['a/left:1', 'failed', null],
      ['a/right:1', 'succeeded', null],
      ['a/diamond:1', 'skipped', 'a/left:1'],
      ['a/grand:1', 'skipped', 'a/left:1'],
    ]);
  });

  it('keeps at most maxInFlight builds requested; the rest wait in the record', () => {
    const record = releaseReady(plan(['a/left:1', 'a/right:1', 'a/root:1'].slice(0, 2), 1), now);
    expect(record.requested.map((item) => item.name)).toEqual(['a/left:1']);
    const next = recordCompletion(record.record, completion(record.record, 'a/left:1', 'succeeded'), now)!;
    expect(next.requested.map((item) => item.name)).toEqual(['a/right:1']);
  });

  it('plans the children of an origin that is no project (an external base image)', () => {
    const record = planCascade({
      id: 'c2',
      cause: { kind: 'parent-rebuilt', message: 'centos/centos:7 was pushed' },
      seeds: [],
      origin: { name: 'centos/centos:7' },
      graph,
      entries,
      maxInFlight: 5,
      now,
    })!;
    expect(record.items.map((item) => [item.name, item.status, item.cause.message])).toEqual([
      ['a/ext-child:1', 'waiting', 'parent centos/centos:7 rebuilt because centos/centos:7 was pushed'],
    ]);
  });

  it('plans nothing for an origin without children', () => {
    expect(
      planCascade({ id: 'c3', cause: push, seeds: [], origin: { name: 'a/grand:1', entry: entries.get('a/grand:1') }, graph, entries, maxInFlight: 5, now }),
    ).toBeNull();
  });
});

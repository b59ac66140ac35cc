import { DependencyGraph } from '../../../shared/graph/dependency-graph';
import type { BuildCompletedData } from '../../../shared/events/types';
import { imageName } from '../../../shared/index/types';
import { recordCompletion, releaseReady, type CascadeStep } from './cascade-advance';
import { remainingChains } from './cascade-order';
import { planCascade } from './cascade-plan';
import type { CascadeRecord } from '../../../shared/cascade/types';
import { namedEntry as entry } from '../__fixtures__/entries';

// The bench's six projects: a chain a→b→c and three independent ones (sorted before `c/…` on purpose).
const PROJECTS = [entry('c/a:1'), entry('c/b:1', ['c/a:1']), entry('c/c:1', ['c/b:1']), entry('a/x:1'), entry('a/y:1'), entry('a/z:1')];
const entries = new Map(PROJECTS.map((project) => [imageName(project), project]));
const now = new Date('2026-01-02T03:04:05Z');
const cause = { kind: 'manual' as const, message: 'Requested with ccp run' };

function plan(maxInFlight: number): CascadeRecord {
  const graph = new DependencyGraph(PROJECTS);
  return planCascade({ id: 'run', cause, seeds: PROJECTS.map((project) => ({ entry: project, cause })), graph, entries, maxInFlight, now })!;
}

function end(record: CascadeRecord, name: string, status: 'succeeded' | 'failed'): CascadeStep {
  const item = record.items.find((candidate) => candidate.name === name)!;
  const data: BuildCompletedData = {
    buildId: item.buildId,
    project: item.project,
    entry: item.entry,
    status,
    reports: { log: 'l' },
    timings: { startedAt: '', finishedAt: '', durationMs: 0 },
    cause: item.cause,
    causeChain: [],
  };
  return recordCompletion(record, data, now)!;
}

const names = (step: CascadeStep): string[] => step.requested.map((item) => item.name);

describe('cascade order: ready when the parents succeeded, longest remaining chain first', () => {
  it('counts the builds left along the longest chain below each item', () => {
    expect(Object.fromEntries(remainingChains(plan(2).items))).toEqual({ 'c/a:1': 3, 'c/b:1': 2, 'c/c:1': 1, 'a/x:1': 1, 'a/y:1': 1, 'a/z:1': 1 });
  });

  it("starts the chain first and a child as soon as its parent succeeded, before the rest of its parent's depth (equal chains: plan order)", () => {
    const first = releaseReady(plan(2), now);
    const afterA = end(first.record, 'c/a:1', 'succeeded');
    const afterX = end(afterA.record, 'a/x:1', 'succeeded');
    const afterB = end(afterX.record, 'c/b:1', 'succeeded');
    const afterY = end(afterB.record, 'a/y:1', 'succeeded');
    expect([names(first), names(afterA), names(afterX), names(afterB), names(afterY)]).toEqual([
      ['c/a:1', 'a/x:1'],
      ['c/b:1'],
      ['a/y:1'],
      ['a/z:1'],
      ['c/c:1'],
    ]);
  });

  it.each([
    ['c/a:1', ['c/b:1 skipped parent c/a:1 failed', 'c/c:1 skipped parent c/a:1 failed']],
    ['c/b:1', ['c/c:1 skipped parent c/b:1 failed']],
  ])('skips every descendant of a failed %s, naming it, and gives the slot to the next ready build', (failing, expected) => {
    let step = releaseReady(plan(2), now);
    if (failing === 'c/b:1') step = end(end(step.record, 'c/a:1', 'succeeded').record, 'a/x:1', 'succeeded');
    const failed = end(step.record, failing, 'failed');
    expect([failed.skipped.map((item) => `${item.name} ${item.status} ${item.reason}`), names(failed)]).toEqual([
      expected,
      failing === 'c/a:1' ? ['a/y:1'] : ['a/z:1'],
    ]);
  });
});

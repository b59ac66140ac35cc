import { DependencyGraph } from '../../../shared/graph/dependency-graph';
import { imageName } from '../../../shared/index/types';
import type { BuildCompletedData } from '../../../shared/events/types';
import type { CascadeRecord } from '../../../shared/cascade/types';
import type { ParentSignaturePolicy } from '../../../shared/config/settings/signing';
import { parentDecision, type ParentVerdict } from '../../../shared/signing/parent-signatures';
import { noticeOf, recordCompletion, releaseReady } from './cascade-advance';
import { planCascade } from './cascade-plan';
import { childrenWaitOn, signatureCheck, withOriginSignature } from './parent-signatures';
import { namedEntry as entry } from '../__fixtures__/entries';

const PROJECTS = [entry('a/root:1'), entry('a/child:1', ['a/root:1']), entry('a/grand:1', ['a/child:1']), entry('a/other:1', ['a/root:1'])];
const graph = new DependencyGraph(PROJECTS);
const entries = new Map(PROJECTS.map((project) => [imageName(project), project]));
const now = new Date('2026-01-02T03:04:05Z');
const push = { kind: 'git-push' as const, message: 'Git commit abc to branch main' };
const DIGEST = `sha256:${'1'.repeat(64)}`;
const REF = '127.0.0.1:5000/a/root:1';

function plan(): CascadeRecord {
  return planCascade({ id: 'c1', cause: push, seeds: [{ entry: entries.get('a/root:1')!, cause: push }], graph, entries, maxInFlight: 10, now })!;
}

function succeeded(record: CascadeRecord, name: string): BuildCompletedData {
  const item = record.items.find((candidate) => candidate.name === name)!;
  return {
    buildId: item.buildId,
    project: item.project,
    entry: item.entry,
    status: 'succeeded',
    image: { ref: REF, digest: DIGEST },
    reports: { log: 'l' },
    timings: { startedAt: '', finishedAt: '', durationMs: 0 },
    cause: item.cause,
    causeChain: [],
  };
}

const verified: ParentVerdict = { ref: REF, digest: DIGEST, verified: true };
const unsigned: ParentVerdict = { ref: REF, digest: DIGEST, verified: false, problem: 'no signature', reason: 'no signature at the lookaside' };
const swapped: ParentVerdict = {
  ref: REF,
  digest: DIGEST,
  verified: false,
  problem: 'signature for another digest',
  reason: `Signature for digest sha256:${'2'.repeat(64)} does not match`,
};

describe('the parent-signature decision', () => {
  it.each<[ParentSignaturePolicy, boolean, string]>([
    ['off', false, 'use'],
    ['off', true, 'use'],
    ['warn', true, 'use'],
    ['warn', false, 'warn'],
    ['enforce', true, 'use'],
    ['enforce', false, 'refuse'],
  ])('%s, verified %s: %s', (policy, isVerified, decision) => {
    expect(parentDecision(policy, { verified: isVerified })).toBe(decision);
  });
});

describe('a cascade whose parent is checked before its children build', () => {
  const rootMessage = `parent a/root:1 (${REF}@${DIGEST}) signature does not verify (no signature: no signature at the lookaside)`;

  it.each<[string, ParentSignaturePolicy, ParentVerdict, string[], Record<string, string | undefined>]>([
    ['signed, enforce: children build', 'enforce', verified, ['a/root:1 succeeded', 'a/child:1 requested', 'a/other:1 requested', 'a/grand:1 waiting'], {}],
    [
      'unsigned, enforce: children refused, grandchildren skipped',
      'enforce',
      unsigned,
      ['a/root:1 succeeded', 'a/child:1 failed', 'a/other:1 failed', 'a/grand:1 skipped'],
      { 'a/child:1': `refused: ${rootMessage}`, 'a/other:1': `refused: ${rootMessage}`, 'a/grand:1': 'parent a/child:1 failed' },
    ],
    [
      'a signature for another digest, enforce: refused naming it',
      'enforce',
      swapped,
      ['a/root:1 succeeded', 'a/child:1 failed', 'a/other:1 failed', 'a/grand:1 skipped'],
      {
        'a/child:1': `refused: parent a/root:1 (${REF}@${DIGEST}) signature does not verify (signature for another digest: Signature for digest sha256:${'2'.repeat(64)} does not match)`,
      },
    ],
    [
      'unsigned, warn: children build with a warning',
      'warn',
      unsigned,
      ['a/root:1 succeeded', 'a/child:1 requested', 'a/other:1 requested', 'a/grand:1 waiting'],
      {},
    ],
    ['unsigned, off: children build silently', 'off', unsigned, ['a/root:1 succeeded', 'a/child:1 requested', 'a/other:1 requested', 'a/grand:1 waiting'], {}],
  ])('%s', (_name, policy, verdict, expected, reasons) => {
    const started = releaseReady(plan(), now).record;
    const check = signatureCheck(policy, 'a/root:1', verdict);
    const step = recordCompletion(started, succeeded(started, 'a/root:1'), now, check)!;
    expect(step.record.items.map((item) => `${item.name} ${item.status}`)).toEqual(expected);
    for (const [name, reason] of Object.entries(reasons)) expect(step.record.items.find((item) => item.name === name)!.reason).toBe(reason);
    expect(step.refused.map((item) => item.name)).toEqual(check.decision === 'refuse' ? ['a/child:1', 'a/other:1'] : []);
    const warnings = step.requested.map((item) => item.warning);
    expect(warnings).toEqual(
      check.decision === 'warn' ? [`built although ${rootMessage}`, `built although ${rootMessage}`] : [undefined, undefined].slice(0, warnings.length),
    );
    expect(step.record.items[0]!.signature).toEqual(check);
  });

  it('ends a refused cascade with a notice naming the parent, digest and why, without a build id for the unbuilt', () => {
    const started = releaseReady(plan(), now).record;
    const step = recordCompletion(started, succeeded(started, 'a/root:1'), now, signatureCheck('enforce', 'a/root:1', unsigned))!;
    expect(step.finished).toBe(true);
    expect(noticeOf(step.record).items.map((item) => [item.project.jobId, item.outcome, item.buildId !== undefined, item.reason])).toEqual([
      ['root', 'succeeded', true, undefined],
      ['child', 'failed', false, `refused: ${rootMessage}`],
      ['other', 'failed', false, `refused: ${rootMessage}`],
      ['grand', 'skipped', false, 'parent a/child:1 failed'],
    ]);
  });

  it('carries a warning into the notice of a child built despite it', () => {
    const started = releaseReady(plan(), now).record;
    let record = recordCompletion(started, succeeded(started, 'a/root:1'), now, signatureCheck('warn', 'a/root:1', unsigned))!.record;
    for (const name of ['a/child:1', 'a/other:1', 'a/grand:1'])
      record = recordCompletion(record, { ...succeeded(record, name), image: { ref: 'x' } }, now)!.record;
    expect(noticeOf(record).items.map((item) => [item.project.jobId, item.outcome, item.reason])).toEqual([
      ['root', 'succeeded', undefined],
      ['child', 'succeeded', `built although ${rootMessage}`],
      ['other', 'succeeded', `built although ${rootMessage}`],
      ['grand', 'succeeded', undefined],
    ]);
  });

  it('records nothing new for a redelivered build.completed, whatever its check says this time', () => {
    const started = releaseReady(plan(), now).record;
    const first = recordCompletion(started, succeeded(started, 'a/root:1'), now, signatureCheck('enforce', 'a/root:1', unsigned))!;
    expect(recordCompletion(first.record, succeeded(started, 'a/root:1'), now, signatureCheck('enforce', 'a/root:1', verified))).toBeNull();
  });

  it('checks only while a child waits for the parent', () => {
    const started = releaseReady(plan(), now).record;
    expect(childrenWaitOn(started, 'a/root:1')).toBe(true);
    expect(childrenWaitOn(started, 'a/grand:1')).toBe(false);
    const step = recordCompletion(started, succeeded(started, 'a/root:1'), now, signatureCheck('enforce', 'a/root:1', verified))!;
    expect(childrenWaitOn(step.record, 'a/root:1')).toBe(false);
  });

  it('refuses the children of a rebuilt origin outside any cascade', () => {
    const planned = planCascade({
      id: 'after-b1',
      cause: { kind: 'parent-rebuilt', message: 'a/root:1 rebuilt', parent: 'a/root:1' },
      seeds: [],
      origin: { name: 'a/root:1', entry: entries.get('a/root:1')!, buildId: 'b1' },
      graph,
      entries,
      maxInFlight: 10,
      now,
    })!;
    const step = releaseReady(withOriginSignature(planned, signatureCheck('enforce', 'a/root:1', unsigned)), now);
    expect(step.record.items.map((item) => `${item.name} ${item.status} ${item.refusedBy ?? '-'}`)).toEqual([
      'a/root:1 origin -',
      'a/child:1 failed a/root:1',
      'a/other:1 failed a/root:1',
      'a/grand:1 skipped -',
    ]);
    expect(step.finished).toBe(true);
  });
});

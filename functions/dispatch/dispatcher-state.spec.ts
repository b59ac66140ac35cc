import type { ProjectEntry } from '../../shared/index/types';
import { createLogger, type Logger } from '../../shared/log/logger';
import { overlayIndex, viewOf, withLearnedParents } from './dispatcher-state';

const entry = (name: string, dependsOn: string[] = []): ProjectEntry => {
  const [appJob, desiredTag] = name.split(':') as [string, string];
  const [appId, jobId] = appJob.split('/') as [string, string];
  return {
    id: 1,
    appId,
    jobId,
    desiredTag,
    gitUrl: 'https://example.com/t.git',
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    buildContext: './',
    notifyEmail: ['t@example.com'],
    dependsOn,
    source: { file: 'index.d/t.yaml', line: 2 },
  };
};

/** base <- mid by depends-on; top and free without parents. */
const projects = (): ProjectEntry[] => [entry('t/base:1'), entry('t/mid:1', ['t/base:1']), entry('t/top:1'), entry('t/free:1')];

function recordingLog(): { log: Logger; lines: Array<{ level: string; msg: string; [key: string]: unknown }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  return { log: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }) }), lines };
}

describe('withLearnedParents', () => {
  it('adds learnt FROM edges in a graph of its own, leaving the cached view as it was', () => {
    const list = projects();
    const cached = viewOf(list);
    const view = withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log);
    expect(view.graph.parents('t/free:1')).toEqual(['t/mid:1']);
    expect(view.graph.rebuildPlan(['t/base:1'])).toEqual([['t/base:1'], ['t/mid:1'], ['t/free:1']]);
    expect(view.graph).not.toBe(cached.graph);
    expect(viewOf(list)).toBe(cached);
    expect(cached.graph.parents('t/free:1')).toEqual([]);
    expect(cached.graph.rebuildPlan(['t/base:1'])).toEqual([['t/base:1'], ['t/mid:1']]);
  });

  it('ignores, with a warning naming the loop, an edge that would close a cycle', () => {
    const { log, lines } = recordingLog();
    const view = withLearnedParents(viewOf(projects()), { 't/base:1': ['t/mid:1'], 't/top:1': ['t/base:1'] }, log);
    expect(view.graph.parents('t/base:1')).toEqual([]);
    expect(view.graph.parents('t/top:1')).toEqual(['t/base:1']);
    expect(view.graph.findCycles()).toEqual([]);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({ msg: 'learnt FROM parent ignored: it would close a dependency cycle', child: 't/base:1', parent: 't/mid:1', cycle: 't/base:1 -> t/mid:1 -> t/base:1' }),
    ]);
  });

  it('ignores an edge naming an image no longer in the index', () => {
    const cached = viewOf(projects());
    const view = withLearnedParents(cached, { 't/gone:1': ['t/base:1'], 't/top:1': ['t/removed:1'] }, recordingLog().log);
    expect(view.graph).toBe(cached.graph);
    expect(view.graph.has('t/gone:1')).toBe(false);
    expect(view.graph.has('t/removed:1')).toBe(false);
    expect(view.graph.children('t/base:1')).toEqual(['t/mid:1']);
  });

  it('changes nothing for an edge depends-on already has, and hands back the view when nothing is learnt', () => {
    const cached = viewOf(projects());
    expect(withLearnedParents(cached, {}, recordingLog().log)).toBe(cached);
    const view = withLearnedParents(cached, { 't/mid:1': ['t/base:1'] }, recordingLog().log);
    expect(view.graph).toBe(cached.graph);
  });

  it('makes the view once per index view and learnt edges, and again when the edges change', () => {
    const cached = viewOf(projects());
    const first = withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log);
    expect(withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log)).toBe(first);
    const changed = withLearnedParents(cached, { 't/free:1': ['t/top:1'] }, recordingLog().log);
    expect(changed).not.toBe(first);
    expect([changed.graph.parents('t/free:1'), first.graph.parents('t/free:1')]).toEqual([['t/top:1'], ['t/mid:1']]);
  });

  it('keeps the learnt edges through an overlay, for entries the overlay adds too', () => {
    const cached = viewOf(projects());
    const learned = { 't/new:1': ['t/top:1'], 't/free:1': ['t/top:1'] };
    const view = withLearnedParents(cached, learned, recordingLog().log);
    const overlaid = overlayIndex(view, [entry('t/new:1')], new Set(['t/free:1']));
    expect(overlaid.graph.children('t/top:1')).toEqual(['t/new:1']);
    expect([...overlaid.entries.keys()].sort()).toEqual(['t/base:1', 't/mid:1', 't/new:1', 't/top:1']);
    // Without learnt edges an overlay stays as it was.
    expect(overlayIndex(cached, [entry('t/new:1')]).graph.children('t/top:1')).toEqual([]);
  });
});

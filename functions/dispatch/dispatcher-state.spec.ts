import type { ProjectEntry } from '../../shared/index/types';
import { createLogger, type Logger } from '../../shared/log/logger';
import { IndexViews } from './dispatcher-state';

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

describe('IndexViews.withLearnedParents', () => {
  let views: IndexViews;
  beforeEach(() => void (views = new IndexViews()));

  it('adds learnt FROM edges in a graph of its own, leaving the cached view as it was', () => {
    const list = projects();
    const cached = views.viewOf(list);
    const view = views.withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log);
    expect(view.graph.parents('t/free:1')).toEqual(['t/mid:1']);
    expect(view.graph.rebuildPlan(['t/base:1'])).toEqual([['t/base:1'], ['t/mid:1'], ['t/free:1']]);
    expect(view.graph).not.toBe(cached.graph);
    expect(views.viewOf(list)).toBe(cached);
    expect(cached.graph.parents('t/free:1')).toEqual([]);
    expect(cached.graph.rebuildPlan(['t/base:1'])).toEqual([['t/base:1'], ['t/mid:1']]);
  });

  it('ignores, with a warning naming the loop, an edge that would close a cycle', () => {
    const { log, lines } = recordingLog();
    const view = views.withLearnedParents(views.viewOf(projects()), { 't/base:1': ['t/mid:1'], 't/top:1': ['t/base:1'] }, log);
    expect(view.graph.parents('t/base:1')).toEqual([]);
    expect(view.graph.parents('t/top:1')).toEqual(['t/base:1']);
    expect(view.graph.findCycles()).toEqual([]);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        msg: 'learnt FROM parent ignored: it would close a dependency cycle',
        child: 't/base:1',
        parent: 't/mid:1',
        cycle: 't/base:1 -> t/mid:1 -> t/base:1',
      }),
    ]);
  });

  it('ignores an edge naming an image no longer in the index', () => {
    const cached = views.viewOf(projects());
    const view = views.withLearnedParents(cached, { 't/gone:1': ['t/base:1'], 't/top:1': ['t/removed:1'] }, recordingLog().log);
    expect(view.graph).toBe(cached.graph);
    expect(view.graph.has('t/gone:1')).toBe(false);
    expect(view.graph.has('t/removed:1')).toBe(false);
    expect(view.graph.children('t/base:1')).toEqual(['t/mid:1']);
  });

  it('changes nothing for an edge depends-on already has, and hands back the view when nothing is learnt', () => {
    const cached = views.viewOf(projects());
    expect(views.withLearnedParents(cached, {}, recordingLog().log)).toBe(cached);
    const view = views.withLearnedParents(cached, { 't/mid:1': ['t/base:1'] }, recordingLog().log);
    expect(view.graph).toBe(cached.graph);
  });

  it('makes the view once per index view and learnt edges, and again when the edges change', () => {
    const cached = views.viewOf(projects());
    const first = views.withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log);
    expect(views.withLearnedParents(cached, { 't/free:1': ['t/mid:1'] }, recordingLog().log)).toBe(first);
    const changed = views.withLearnedParents(cached, { 't/free:1': ['t/top:1'] }, recordingLog().log);
    expect(changed).not.toBe(first);
    expect([changed.graph.parents('t/free:1'), first.graph.parents('t/free:1')]).toEqual([['t/top:1'], ['t/mid:1']]);
  });

  it('keeps its views to itself: another process (another instance) builds its own', () => {
    const list = projects();
    expect(new IndexViews().viewOf(list)).not.toBe(views.viewOf(list));
    expect(views.viewOf(list)).toBe(views.viewOf(list));
  });

  it('keeps the learnt edges through an overlay, for entries the overlay adds too', () => {
    const cached = views.viewOf(projects());
    const learned = { 't/new:1': ['t/top:1'], 't/free:1': ['t/top:1'] };
    const view = views.withLearnedParents(cached, learned, recordingLog().log);
    const overlaid = views.overlay(view, [entry('t/new:1')], new Set(['t/free:1']));
    expect(overlaid.graph.children('t/top:1')).toEqual(['t/new:1']);
    expect([...overlaid.entries.keys()].sort()).toEqual(['t/base:1', 't/mid:1', 't/new:1', 't/top:1']);
    // Without learnt edges an overlay stays as it was.
    expect(views.overlay(cached, [entry('t/new:1')]).graph.children('t/top:1')).toEqual([]);
  });
});

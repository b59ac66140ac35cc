import { DependencyGraph } from '../../shared/graph/dependency-graph';
import { formatCycle } from '../../shared/graph/errors';
import { loadIndex } from '../../shared/index/load';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import { CascadeStore } from '../../shared/cascade/cascade-store';
import { LearnedParentsStore, addLearnedEdges, missingLearnedEdges, type LearnedParents } from './planning/learned-parents';
import { PushCoalescer } from './planning/coalesce';
import { type DispatchSettings } from '../../shared/cascade/types';
import type { BuildCompletedData } from '../../shared/events/contracts/build-completed';
import type { FunctionContext, ServiceContext } from '../../shared/function/types';

/** The index as a graph, with its entries by name. */
export interface IndexView {
  projects: readonly ProjectEntry[];
  graph: DependencyGraph;
  entries: ReadonlyMap<string, ProjectEntry>;
}

/**
 * The dispatcher's views of the index, made once and kept while their project list lives:
 * every dispatcher event asks again, and a 10,000-project graph takes tens of milliseconds to
 * build. One per process (the dispatcher's services), so every delivery shares them.
 */
export class IndexViews {
  /** The view of each project list (the context hands out the same list while it is cached). */
  private readonly views = new WeakMap<readonly ProjectEntry[], IndexView>();
  /** The last view {@link withLearnedParents} made of each index view, with the learnt edges it was made from. */
  private readonly learnedViews = new WeakMap<IndexView, { revision: string; view: IndexView }>();
  /** The learnt parents a view was made with, so that {@link overlay} adds them again. */
  private readonly learnedOf = new WeakMap<IndexView, { parents: LearnedParents; log: Logger }>();

  /** The graph of `projects`, built once per list. */
  viewOf(projects: readonly ProjectEntry[]): IndexView {
    let view = this.views.get(projects);
    if (!view) {
      view = { projects, graph: new DependencyGraph(projects), entries: new Map(projects.map((entry) => [imageName(entry), entry])) };
      this.views.set(projects, view);
    }
    return view;
  }

  /**
   * `view` with the `learned` edges (`FROM` lines) its graph lacks, in a graph of its own: the
   * view of {@link viewOf} is shared by every caller of the same project list and stays as it
   * is. An edge naming an image no longer in the index is ignored; one that would close a
   * dependency loop is ignored with a warning naming the loop. {@link overlay} of the view adds
   * the learnt edges again. Without anything learnt, `view` itself. Made once per index view and
   * learnt edges, as they read.
   */
  withLearnedParents(view: IndexView, learned: LearnedParents, log: Logger): IndexView {
    const revision = JSON.stringify(learned);
    const known = this.learnedViews.get(view);
    if (known?.revision === revision) return known.view;
    const made = this.makeLearnedView(view, learned, log);
    this.learnedViews.set(view, { revision, view: made });
    return made;
  }

  /** `view` with `overlay` entries added or replacing theirs, and `removed` names gone; its learnt edges stay. */
  overlay(view: IndexView, overlay: readonly ProjectEntry[], removed: ReadonlySet<string> = new Set()): IndexView {
    if (overlay.length === 0 && removed.size === 0) return view;
    const merged = new Map(view.entries);
    for (const name of removed) merged.delete(name);
    for (const entry of overlay) merged.set(imageName(entry), entry);
    const learned = this.learnedOf.get(view);
    const overlaid = this.viewOf([...merged.values()]);
    return learned ? this.withLearnedParents(overlaid, learned.parents, learned.log) : overlaid;
  }

  private makeLearnedView(view: IndexView, learned: LearnedParents, log: Logger): IndexView {
    const { edges, gone } = missingLearnedEdges(view.graph, learned);
    if (gone.length > 0)
      log.debug('learnt FROM parents naming images not in the index; ignored', { edges: gone.map(({ child, parent }) => `${child} FROM ${parent}`) });
    if (Object.keys(learned).length === 0) return view;
    let graph = view.graph;
    if (edges.length > 0) {
      graph = new DependencyGraph(view.projects);
      const { cycles } = addLearnedEdges(graph, edges);
      for (const { child, parent, cycle } of cycles) {
        log.warn('learnt FROM parent ignored: it would close a dependency cycle', { child, parent, cycle: formatCycle(cycle) });
      }
    }
    // A view of its own even when the graph is shared, so that an overlay adds the learnt edges too.
    const learnedView: IndexView = { projects: view.projects, graph, entries: view.entries };
    this.learnedOf.set(learnedView, { parents: learned, log });
    return learnedView;
  }
}

/** What the dispatcher keeps for the life of its process. */
export interface DispatchServices {
  /** The index as graphs, shared by every delivery. */
  indexViews: IndexViews;
  /** Push windows: one coalescer per process, so windows and their sleepers are shared. */
  pushes: PushCoalescer;
}

/** The dispatcher's handler context. */
export type DispatchContext = ServiceContext<DispatchServices>;

/**
 * The dispatcher's services, made once per process when its context is built.
 * @see ../../shared/function/types.ts
 */
export function dispatchServices(base: FunctionContext): DispatchServices {
  return { indexViews: new IndexViews(), pushes: new PushCoalescer({ store: base.store, quietMs: dispatchSettings(base).coalesceMs }) };
}

/**
 * The configured index as the context knows it (`ccp run` hands it over; else `CCP_INDEX`),
 * its graph with the parents learnt from `FROM` lines added ({@link IndexViews.withLearnedParents}).
 */
export async function currentIndex(context: DispatchContext): Promise<IndexView> {
  const views = context.indexViews;
  const learned = await learnedParentsOf(context).read();
  if (context.listProjects) return views.withLearnedParents(views.viewOf(await context.listProjects()), learned, context.log);
  if (!context.config.index) return views.viewOf([]);
  const loaded = await loadIndex(context.config.index.location, { branch: context.config.index.branch, workDir: context.config.workDir });
  return views.withLearnedParents(views.viewOf(loaded.projects), learned, context.log);
}

/**
 * Learns a built image's parents from the `FROM` lines its `build.completed` reports
 * (`baseImages`), whatever the build's outcome: they replace what was learnt of the image
 * before. A `build.completed` without `baseImages` changes nothing.
 */
export async function learnBaseImages(data: BuildCompletedData, context: FunctionContext, log: Logger): Promise<void> {
  if (!data.baseImages) return;
  const child = imageName(data.project);
  if (await learnedParentsOf(context).record(child, data.baseImages)) log.info('learnt the parents of its FROM lines', { parents: data.baseImages });
}

export function learnedParentsOf(context: FunctionContext): LearnedParentsStore {
  return new LearnedParentsStore(context.store);
}

export function dispatchSettings(context: FunctionContext): DispatchSettings {
  return context.config.dispatch;
}

export function cascadesOf(context: FunctionContext): CascadeStore {
  return new CascadeStore(context.store);
}

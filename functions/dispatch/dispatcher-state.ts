import { DependencyGraph } from '../../shared/graph/dependency-graph';
import { formatCycle } from '../../shared/graph/errors';
import { loadIndex } from '../../shared/index';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import type { Logger } from '../../shared/log/logger';
import {
  CascadeStore,
  DEFAULT_DISPATCH_SETTINGS,
  LearnedParentsStore,
  PushCoalescer,
  addLearnedEdges,
  missingLearnedEdges,
  type DispatchSettings,
  type LearnedParents,
} from './planning';
import type { BuildCompletedData } from '../../shared/events';
import type { FunctionContext } from '../../shared/function/types';

/** The index as a graph, with its entries by name. */
export interface IndexView {
  projects: readonly ProjectEntry[];
  graph: DependencyGraph;
  entries: ReadonlyMap<string, ProjectEntry>;
}

const views = new WeakMap<readonly ProjectEntry[], IndexView>();

/** The graph of `projects`, built once per list (the context hands out the same list while it is cached). */
export function viewOf(projects: readonly ProjectEntry[]): IndexView {
  let view = views.get(projects);
  if (!view) {
    view = { projects, graph: new DependencyGraph(projects), entries: new Map(projects.map((entry) => [imageName(entry), entry])) };
    views.set(projects, view);
  }
  return view;
}

/**
 * The configured index as the context knows it (`ccp run` hands it over; else `CCP_INDEX`),
 * its graph with the parents learnt from `FROM` lines added ({@link withLearnedParents}).
 */
export async function currentIndex(context: FunctionContext): Promise<IndexView> {
  const learned = await learnedParentsOf(context).read();
  if (context.listProjects) return withLearnedParents(viewOf(await context.listProjects()), learned, context.log);
  if (!context.config.index) return viewOf([]);
  const loaded = await loadIndex(context.config.index.location, { branch: context.config.index.branch, workDir: context.config.workDir });
  return withLearnedParents(viewOf(loaded.projects), learned, context.log);
}

/** The learnt parents a view was made with, so that {@link overlayIndex} adds them again. */
const learnedOf = new WeakMap<IndexView, { parents: LearnedParents; log: Logger }>();

/**
 * `view` with the `learned` edges (`FROM` lines) its graph lacks, in a graph of its own: the
 * view of {@link viewOf} is shared by every caller of the same project list and stays as it
 * is. An edge naming an image no longer in the index is ignored; one that would close a
 * dependency loop is ignored with a warning naming the loop. {@link overlayIndex} of the view
 * adds the learnt edges again. Without anything learnt, `view` itself.
 */
export function withLearnedParents(view: IndexView, learned: LearnedParents, log: Logger): IndexView {
  // Every dispatcher event asks again, and a 10,000-project graph takes tens of milliseconds to
  // build: the view is made once per index view and learnt edges, as they read.
  const revision = JSON.stringify(learned);
  const known = learnedViews.get(view);
  if (known?.revision === revision) return known.view;
  const made = makeLearnedView(view, learned, log);
  learnedViews.set(view, { revision, view: made });
  return made;
}

/** The last view {@link withLearnedParents} made of each index view, with the learnt edges it was made from. */
const learnedViews = new WeakMap<IndexView, { revision: string; view: IndexView }>();

function makeLearnedView(view: IndexView, learned: LearnedParents, log: Logger): IndexView {
  const { edges, gone } = missingLearnedEdges(view.graph, learned);
  if (gone.length > 0) log.debug('learnt FROM parents naming images not in the index; ignored', { edges: gone.map(({ child, parent }) => `${child} FROM ${parent}`) });
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
  learnedOf.set(learnedView, { parents: learned, log });
  return learnedView;
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

/** `view` with `overlay` entries added or replacing theirs, and `removed` names gone. */
export function overlayIndex(view: IndexView, overlay: readonly ProjectEntry[], removed: ReadonlySet<string> = new Set()): IndexView {
  if (overlay.length === 0 && removed.size === 0) return view;
  const merged = new Map(view.entries);
  for (const name of removed) merged.delete(name);
  for (const entry of overlay) merged.set(imageName(entry), entry);
  const learned = learnedOf.get(view);
  return learned ? withLearnedParents(viewOf([...merged.values()]), learned.parents, learned.log) : viewOf([...merged.values()]);
}

export function dispatchSettings(context: FunctionContext): DispatchSettings {
  return context.config.dispatch ?? DEFAULT_DISPATCH_SETTINGS;
}

const coalescers = new WeakMap<object, PushCoalescer>();

/** One coalescer per store (and so per process), so windows and their sleepers are shared. */
export function coalescerFor(context: FunctionContext): PushCoalescer {
  let coalescer = coalescers.get(context.store);
  if (!coalescer) {
    coalescer = new PushCoalescer({ store: context.store, quietMs: dispatchSettings(context).coalesceMs });
    coalescers.set(context.store, coalescer);
  }
  return coalescer;
}

export function cascadesOf(context: FunctionContext): CascadeStore {
  return new CascadeStore(context.store);
}

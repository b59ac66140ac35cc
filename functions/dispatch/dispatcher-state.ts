import { DependencyGraph } from '../../shared/graph';
import { loadIndex } from '../../shared/index';
import { imageName, type ProjectEntry } from '../../shared/index/types';
import { CascadeStore, DEFAULT_DISPATCH_SETTINGS, PushCoalescer, type DispatchSettings } from '../../shared/dispatch';
import type { FunctionContext } from '../types';

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

/** The configured index as the context knows it (`ccp run` hands it over; else `CCP_INDEX`). */
export async function currentIndex(context: FunctionContext): Promise<IndexView> {
  if (context.listProjects) return viewOf(await context.listProjects());
  if (!context.config.index) return viewOf([]);
  const loaded = await loadIndex(context.config.index.location, { branch: context.config.index.branch, workDir: context.config.workDir });
  return viewOf(loaded.projects);
}

/** `view` with `overlay` entries added or replacing theirs, and `removed` names gone. */
export function overlayIndex(view: IndexView, overlay: readonly ProjectEntry[], removed: ReadonlySet<string> = new Set()): IndexView {
  if (overlay.length === 0 && removed.size === 0) return view;
  const merged = new Map(view.entries);
  for (const name of removed) merged.delete(name);
  for (const entry of overlay) merged.set(imageName(entry), entry);
  return viewOf([...merged.values()]);
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
